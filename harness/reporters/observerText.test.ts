// What observing cost the target, drawn by the terminal, Markdown and HTML reporters from the report alone.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Report } from '../report/schema.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { renderRunPage } from './html/runPage.ts';
import { renderMarkdown } from './markdownReporter.ts';
import { scenarioEndLines } from './terminal/scenarioVerdict.ts';
import { makeStyle } from './terminal/style.ts';
import { printSummary } from './terminal/summary.ts';

function observedReport(): Report {
  const report = syntheticReport({ verdicts: ['pass'] });
  report.scenarios[0]!.observerCost = { steps: 55, stepMs: 12.3, boundaries: 61, gcMs: 2, readMs: 1.5, agentMs: 0.6, perStepMs: 4.547 };
  return report;
}

const LINE = /observing cost 4\.55 ms per step beside a step of 12\.3 ms \(each of 61 boundaries: forced GC 2 ms, \/proc read 1\.5 ms, agents 0\.6 ms\)/;

describe('reporters draw the observer cost', () => {
  it('terminal, as the scenario ends and in the summary', () => {
    expect(scenarioEndLines(observedReport().scenarios[0]!, makeStyle(false)).join('\n')).toMatch(LINE);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    printSummary(observedReport(), out, { color: false });
    expect(text).toMatch(LINE);
  });
  it('Markdown', () => {
    expect(renderMarkdown(observedReport())).toMatch(LINE);
  });
  it('HTML', async () => {
    expect(await renderRunPage(observedReport())).toMatch(LINE);
  });
  it('nothing when the run timed no boundary', () => {
    const report = observedReport();
    report.scenarios[0]!.observerCost!.perStepMs = null;
    expect(renderMarkdown(report)).not.toMatch(/observing cost/);
  });
});
