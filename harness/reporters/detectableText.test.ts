// What a pass could have caught and the calibration, drawn by every reporter from the report alone.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Check, Report } from '../report/runReportSchema.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { renderRunPage } from './html/runPage.ts';
import { renderJunit } from './junitReporter.ts';
import { renderMarkdown } from './markdownReporter.ts';
import { printSummary } from './terminal/summary.ts';

function calibratedReport(outcome: 'caught' | 'missed'): Report {
  const report = syntheticReport({ verdicts: ['pass'] });
  const s = report.scenarios[0]!;
  const leak = (id: 'leak.heap' | 'leak.rss', slope: number): Check => ({
    id, resource: id === 'leak.heap' ? 'heap' : 'rss', kind: 'leak', observed: 0, unit: 'B', pass: true, message: `${id} bounded`,
    detectable: { slope, unit: 'B', per: 'iteration', power: 0.99, alpha: 0.001, floor: 4096, limitedBy: 'noise', noise: { sd: 2000, points: 61, autocorrelationFactor: 1.2 } },
  });
  s.checks = [...s.checks.filter((c) => c.id !== 'leak.heap' && c.id !== 'leak.rss'), leak('leak.heap', 12_000), leak('leak.rss', 180_000)];
  s.calibration = outcome === 'caught'
    ? { outcome, plantedPerStep: 12_288, sizedBy: 'leak.heap', caughtBy: ['leak.heap'], message: 'planted 12.3 KB/iteration → caught by leak.heap' }
    : { outcome, plantedPerStep: 12_288, sizedBy: 'leak.heap', caughtBy: [], message: "planted 12.3 KB/iteration (what leak.heap said it would catch) → missed by leak.heap: this run's gate is weaker than it claims" };
  return report;
}

const CAUGHT = /would have caught ≥ 12\.0 KB\/iteration on heap, ≥ 180\.0 KB\/iteration on RSS \(99% of the time\)/;

describe('reporters draw detectable and calibration', () => {
  const report = calibratedReport('caught');
  it('terminal summary', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    printSummary(report, out, { color: false });
    expect(text).toMatch(CAUGHT);
    expect(text).toMatch(/calibration: planted 12\.3 KB\/iteration → caught by leak\.heap/);
  });
  it('Markdown', () => {
    const md = renderMarkdown(report);
    expect(md).toMatch(/would have caught ≥ 12\.0 KB\/iteration on heap/);
    expect(md).toMatch(/calibration: planted 12\.3 KB\/iteration → caught by leak\.heap/);
  });
  it('JUnit, in the passing testcase\'s system-out', () => {
    const xml = renderJunit(report);
    expect(xml).toMatch(/<system-out>\[seep\] would have caught ≥ 12\.0 KB\/iteration on heap/);
    expect(xml).toMatch(/\[seep\] calibration: planted 12\.3 KB\/iteration → caught by leak\.heap/);
  });
  it('HTML, beside each leak check and under the checks', async () => {
    const html = await renderRunPage(calibratedReport('missed'));
    expect(html).toMatch(/would have caught ≥ 12\.0 KB\/iteration on heap \(99% of the time; noise sd 2\.0 KB over 61 points\)/);
    expect(html).toMatch(/<p class="calibration missed">calibration: planted 12\.3 KB\/iteration/);
  });
});
