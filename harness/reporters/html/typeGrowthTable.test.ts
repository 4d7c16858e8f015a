// The per-type growth table of the run page, from a report whose leak.types check carries its
// trends: one row per type with the judged rate and a line of its series; nothing without a series.
// The report with both fields is also checked against the JSON Schema generated from runReportSchema.ts.
import { describe, expect, it } from 'vitest';
import type { Phase } from '../../report/sampleSchema.ts';
import type { Check, ScenarioReport, TrendResult, TypeGrowthSeries } from '../../report/runReportSchema.ts';
import { syntheticReport } from '../../../fixtures/testing/syntheticReport.ts';
import { reportValidator } from '../../../fixtures/testing/reportJsonSchema.ts';
import { typeGrowthTable } from './typeGrowthTable.ts';

function withGrowth(s: ScenarioReport): ScenarioReport {
  const phase: Phase[] = ['warmup', ...Array<Phase>(30).fill('measured'), 'settle'];
  const g: TypeGrowthSeries = {
    runtime: 'python', kind: 'type', unit: 'objects', phase, readMs: 1.5,
    iteration: phase.map((_, i) => Math.min(i, 30) + 5),
    series: [
      { name: 'jobs.Job<script>', values: phase.map((_, i) => Math.min(i, 30)) },
      { name: 'lru.Entry', values: phase.map((_, i) => Math.min(i, 8)) },
    ],
  };
  // as analysis/typeTrends.ts judges these series (stated here: reporters import no analysis)
  const trend = (slope: number, verdict: TrendResult['verdict'], reason: string, plateauAt: number | null): TrendResult => ({
    verdict, reason, slope, low: slope, high: slope, intercept: 0, interceptX: 5, endX: 35, confidence: 0.95, unit: 'objects', per: 'iteration', plateauAt,
    samplesUsed: { series: 'boundaries', from: 0, to: 30, count: 31 },
  });
  const check: Check = {
    id: 'leak.types', resource: 'heap', kind: 'leak', limitValue: 0, observed: 1, unit: 'types', pass: false, message: '1 type grew',
    typeTrends: [
      { name: 'jobs.Job<script>', trend: trend(1, 'leak', 'no plateau, Mann–Kendall p<0.001', null), afterSettle: 30, leaks: true, where: [] },
      { name: 'lru.Entry', trend: trend(0, 'bounded', 'rose then plateaued from sample 8', 8), afterSettle: 8, leaks: false, where: [] },
    ],
  };
  return { ...s, typeGrowth: g, checks: [...s.checks.filter((c) => c.id !== 'leak.types'), check] };
}

describe('typeGrowthTable', () => {
  it('draws a row per followed type, the leak first, with its rate, verdict, what was kept and its line', () => {
    const s = withGrowth(syntheticReport().scenarios[1]!);
    const html = typeGrowthTable(s);
    const rows = [...html.matchAll(/<tr class="(pass|fail)" data-type="([^"]*)">/g)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual([['fail', 'jobs.Job&lt;script&gt;'], ['pass', 'lru.Entry']]);
    expect(html).toContain('+1 object/step');
    expect(html).toMatch(/<span class="trend leak">leak<\/span>/);
    expect(html).toMatch(/<span class="trend bounded">bounded<\/span> <span class="dim">rose then plateaued/);
    expect(html.match(/<polyline/g)).toHaveLength(2);
    expect(html).not.toContain('<script>');
    expect(html).toContain('31 reads from the baseline on'); // the baseline and 30 measured
    expect(html).toMatch(/<rect x="154.8" y="0" width="5.2"/);
  });

  it('draws nothing for a scenario without a series, and the report with one fits the schema', () => {
    const report = syntheticReport();
    expect(typeGrowthTable(report.scenarios[0]!)).toBe('');
    report.scenarios[1] = withGrowth(report.scenarios[1]!);
    expect(reportValidator()(report)).toEqual([]);
  });
});
