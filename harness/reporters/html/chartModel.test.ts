import { describe, expect, it } from 'vitest';
import type { Check } from '../../report/runReportSchema.ts';
import { SOAK, syntheticReport } from '../../../fixtures/testing/syntheticReport.ts';
import { DISPLAY_BUCKETS, phaseBands, scenarioCharts } from './chartModel.ts';

function check(over: Partial<Check>): Check {
  return { id: 'budget.peakRss', resource: 'rss', kind: 'budget', observed: 0, unit: 'B', pass: true, message: '', ...over };
}

describe('limit lines', () => {
  it('draws each check at the limitLine it carries, on the chart of its series, and nothing for a check without one', () => {
    const s = syntheticReport({ verdicts: ['pass'] }).scenarios[0]!;
    s.checks = [
      check({ id: 'budget.rssGrowth', limit: '50MB', limitValue: 50e6, baselineValue: 80e6, series: 'rss', limitLine: 130e6 }),
      check({ id: 'budget.rssPerIteration', limit: '10KB', limitValue: 1e4, unit: 'B/iteration', series: 'rss' }),
      check({ id: 'budget.heapGrowth', resource: 'heap', limit: '5MB', limitValue: 5e6, baselineValue: 20e6, series: 'heapUsed', limitLine: 25e6 }),
    ];
    const charts = scenarioCharts(s, 0);
    const lines = (id: string) => charts.find((c) => c.id === id)!.lines.map((l) => [l.kind, l.value]);
    expect(lines('s0-rss-iteration')).toEqual([['baseline', 80e6], ['budget', 130e6]]);
    expect(lines('s0-heap-iteration')).toEqual([['baseline', 20e6], ['budget', 25e6]]);
  });

  it('draws the memory cgroup usage beside RSS with the memoryLimit it is judged against, and no such series without a cgroup', () => {
    const s = syntheticReport({ verdicts: ['pass'] }).scenarios[0]!;
    const lim = 64 * 1024 * 1024;
    s.checks = [check({ id: 'budget.memoryLimit', limit: '64MB', limitValue: lim, observed: 13e6, series: 'cgroupMemory', limitLine: lim })];
    for (const cols of [s.series.boundaries, s.series.timed]) cols.values.cgroupMemory = cols.values.rss.map((v) => (v === null ? null : v + 2e6));
    const charts = scenarioCharts(s, 0);
    for (const id of ['s0-rss-iteration', 's0-rss-time']) {
      const chart = charts.find((c) => c.id === id)!;
      expect(chart.series.map((x) => x.label)).toContain('cgroupMemory');
      expect(chart.lines).toContainEqual({ kind: 'budget', label: 'budget.memoryLimit 64MB', value: lim, pass: true });
    }
    const none = syntheticReport({ verdicts: ['pass'] }).scenarios[0]!;
    expect(scenarioCharts(none, 0).find((c) => c.id === 's0-rss-iteration')!.series.map((x) => x.label)).not.toContain('cgroupMemory');
  });

  it('takes the RSS baseline from the headline growth when no check states one', () => {
    const s = syntheticReport({ verdicts: ['pass'] }).scenarios[0]!;
    s.checks = [];
    s.headlines.rssGrowth = { growth: 1e6, baseline: 81e6 };
    expect(scenarioCharts(s, 0).find((c) => c.id === 's0-rss-iteration')!.lines).toEqual([{ kind: 'baseline', label: 'baseline', value: 81e6 }]);
  });
});

describe('phaseBands', () => {
  it('shades warmup and settle runs up to the next sample', () => {
    expect(phaseBands([0, 10, 20, 30, 40, 50], ['warmup', 'warmup', 'measured', 'measured', 'settle', 'settle'])).toEqual([
      { phase: 'warmup', from: 0, to: 20 },
      { phase: 'settle', from: 40, to: 50 },
    ]);
  });
});

describe('scenarioCharts', () => {
  it('charts each sampled resource by iteration and over time, and skips resources never sampled', () => {
    const report = syntheticReport();
    const s = report.scenarios[1]!;
    s.series.boundaries.values.heapUsed = s.series.boundaries.values.heapUsed.map(() => null);
    const charts = scenarioCharts(s, 1);
    const ids = charts.map((c) => c.id);
    expect(ids).toContain('s1-rss-iteration');
    expect(ids).toContain('s1-sockets-time');
    expect(ids).not.toContain('s1-heap-iteration');
    expect(ids).toContain('s1-heap-time');
    const rss = charts.find((c) => c.id === 's1-rss-iteration')!;
    expect(rss.lines.map((l) => l.kind)).toEqual(['baseline', 'budget']);
    expect(rss.trend).not.toBeNull();
    expect(rss.bands).toEqual([{ phase: 'warmup', from: 0, to: 5 }]);
  });

  it('draws a 200,000-point series with at most 2 × DISPLAY_BUCKETS points and its true peak', () => {
    const report = syntheticReport({ iterations: 1000, timedPoints: 200_000, verdicts: ['fail'] });
    const s = report.scenarios[0]!;
    const rss = s.series.timed.values.rss;
    rss[133_333] = 5e9; // one spike
    const chart = scenarioCharts(s, 0).find((c) => c.id === 's0-rss-time')!;
    expect(chart.x.length).toBeLessThanOrEqual(2 * DISPLAY_BUCKETS);
    expect(chart.sourcePoints).toBe(200_000);
    expect(chart.max).toBe(5e9);
  });
});

describe('soak charts', () => {
  it('draws throughput per second, latency and seep with their budget lines, only for a scenario that has them', () => {
    const report = syntheticReport({ soak: true });
    expect(scenarioCharts(report.scenarios[1]!, 1).filter((c) => c.axis === 'time' && ['throughput', 'latency', 'seep'].includes(c.resource))).toEqual([]);
    const charts = scenarioCharts(report.scenarios[3]!, 3);
    const byId = (id: string) => charts.find((c) => c.id === id)!;
    const throughput = byId('s3-throughput-time');
    expect(throughput.unit).toBe('perSecond');
    expect(throughput.series.map((x) => x.label)).toEqual(['requests/s', 'errors/s']);
    expect(throughput.max).toBe((SOAK.requestsPerInterval * 1000) / SOAK.loadIntervalMs);
    expect(throughput.x.length).toBeLessThanOrEqual(2 * DISPLAY_BUCKETS);
    expect(byId('s3-latency-time').lines).toEqual([{ kind: 'budget', label: 'budget.latencyP99 1s', value: SOAK.latencyBudgetMs, pass: true }]);
    expect(byId('s3-latency-time').max).toBe(SOAK.latencySpikeMs);
    expect(byId('s3-seep-time').lines).toEqual([{ kind: 'budget', label: 'budget.seepRss 300MB', value: SOAK.seepBudget, pass: true }]);
    // the rss chart over time carries the per-hour trend and the alert thresholds as lines
    const rss = byId('s3-rss-time');
    expect(rss.trend?.label).toMatch(/^leak: \+36\.7 MB\/hour/);
    // each named as what it is: alert levels, not budget lines (a warning never fails a run)
    expect(rss.lines.filter((l) => l.kind !== 'baseline').map((l) => [l.kind, l.label, l.value])).toEqual([
      ['alert', 'warning alert 400MB', 400e6],
      ['alert', 'critical alert 500MB', 500e6],
    ]);
  });
});
