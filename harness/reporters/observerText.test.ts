// What observing cost the target, drawn by the terminal, Markdown and HTML reporters from the report alone.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Report } from '../report/runReportSchema.ts';
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
  it('a soak: its checkpoints per hour, what they added to p99, and the latency clear of them', async () => {
    const report = observedReport();
    const s = report.scenarios[0]!;
    s.observerCost = { ...s.observerCost!, perHourMs: 4321, addedP99Ms: 310 };
    const figures = (p50: number, p99: number, requests: number) => ({ requests, p50, p90: p99, p99, max: p99 });
    s.latency = { all: figures(12, 795, 3600), clean: figures(11, 485, 3300), checkpoints: 30, checkpointMs: 9600, gcMs: 9510 };
    const observer = /observing took 4\.3 s of the target's time per hour \(0\.1%; each of 61 checkpoints: forced GC 2 ms, \/proc read 1\.5 ms, agents 0\.6 ms\); they added \+310 ms to p99 latency \(795 ms, 485 ms clear of them\)/;
    const split = /p50 12 ms, p99 795 ms over 3600 answers; clear of seep's 30 checkpoints \(forced GC and reads, 9\.6 s in all\): p50 11 ms, p99 485 ms over 3300/;
    expect(renderMarkdown(report)).toMatch(observer);
    expect(renderMarkdown(report)).toMatch(split);
    expect(scenarioEndLines(s, makeStyle(false)).join('\n')).toMatch(observer);
    const page = (await renderRunPage(report)).replace(/&#39;|&#x27;|&apos;/g, "'");
    expect(page).toMatch(observer);
    expect(page).toMatch(split);
  });
  it("a soak's checkpoints that forced no GC: how many of them did", () => {
    const report = observedReport();
    const s = report.scenarios[0]!;
    s.observerCost = { ...s.observerCost!, perHourMs: 4321, forcedGcs: 4 };
    expect(renderMarkdown(report)).toMatch(/each of 61 checkpoints \(4 forced a GC, 57 read the heap a recent full GC left\): forced GC 2 ms/);
    s.observerCost = { ...s.observerCost, forcedGcs: 61 };
    expect(renderMarkdown(report)).toMatch(/each of 61 checkpoints: forced GC/);
  });
  it('a soak whose checkpoints added nothing to p99 says so with no sign', () => {
    const report = observedReport();
    const s = report.scenarios[0]!;
    s.observerCost = { ...s.observerCost!, perHourMs: 4321, addedP99Ms: 0 };
    const figures = (p50: number, p99: number, requests: number) => ({ requests, p50, p90: p99, p99, max: p99 });
    s.latency = { all: figures(44, 87.7, 2042), clean: figures(44, 87.7, 1969), checkpoints: 27, checkpointMs: 1400, gcMs: 750 };
    expect(renderMarkdown(report)).toMatch(/; they added 0 ms to p99 latency \(87\.7 ms, 87\.7 ms clear of them\)/);
  });
  it('nothing when the run timed no boundary', () => {
    const report = observedReport();
    report.scenarios[0]!.observerCost!.perStepMs = null;
    expect(renderMarkdown(report)).not.toMatch(/observing cost/);
  });
});
