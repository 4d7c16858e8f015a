import { describe, expect, it } from 'vitest';
import type { TrendResult } from '../../report/runReportSchema.ts';
import { syntheticReport } from '../../../fixtures/testing/syntheticReport.ts';
import { scenarioCharts } from './chartModel.ts';
import { trendSegment } from './trendLine.ts';

function trend(over: Partial<TrendResult>): TrendResult {
  return {
    verdict: 'leak', reason: '', slope: 50, low: 40, high: 60, confidence: 0.95, unit: 'B', per: 'iteration', plateauAt: null,
    intercept: 1100, interceptX: 2, endX: 19, samplesUsed: { series: 'boundaries', from: 2, to: 19, count: 18 }, ...over,
  };
}

describe('trendSegment', () => {
  it('draws the stored line from its intercept to its last x', () => {
    expect(trendSegment(trend({}))).toEqual({ x0: 2, y0: 1100, x1: 19, y1: 1100 + 50 * 17 });
  });

  it('draws a per-hour fit on the time axis in ms', () => {
    expect(trendSegment(trend({ per: 'hour', slope: 4, intercept: 10, interceptX: 0.5, endX: 2 }))).toEqual({ x0: 1_800_000, y0: 10, x1: 7_200_000, y1: 16 });
  });
});

describe('the RSS chart of a report', () => {
  it('draws the trend line the analysis stored, not one refitted to the series', () => {
    const report = syntheticReport({ verdicts: ['fail'] });
    const s = report.scenarios[0]!;
    const t = s.checks.find((c) => c.id === 'budget.rssGrowth')!.trend!;
    // far from any line through the series: a refit (median of y − slope·x) would land near 90 MB
    t.intercept = 1234;
    const chart = scenarioCharts(s, 0).find((c) => c.id === 's0-rss-iteration')!;
    expect(chart.trend).toMatchObject({ x0: t.interceptX, y0: 1234, x1: t.endX, y1: 1234 + t.slope * (t.endX - t.interceptX) });
  });
});
