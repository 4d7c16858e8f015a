import { describe, expect, it } from 'vitest';
import type { Check, TrendResult } from '../report/runReportSchema.ts';
import { describeTimeToLimit, timeToLimit, withTimeToLimit } from './timeToLimit.ts';

const MB = 1e6;
// 12 MB/h (10-14), its fitted line at 140 MB after 2 h
const trend: TrendResult = {
  verdict: 'leak', reason: 'no plateau', slope: 12 * MB, low: 10 * MB, high: 14 * MB, intercept: 116 * MB, interceptX: 0, endX: 2,
  confidence: 0.95, unit: 'B', per: 'hour', plateauAt: null, samplesUsed: { series: 'timed', from: 0, to: 99, count: 100 },
};
const limit512 = { name: 'memoryLimit', written: '512MB', value: 512 * MB };

describe('timeToLimit', () => {
  it('projects from where the fitted line ends, with the interval from the slope\'s', () => {
    const t = timeToLimit(trend, [limit512])!;
    expect(t.level).toBeCloseTo(140 * MB);
    expect(t.estimate).toBeCloseTo(31);
    expect(t.low).toBeCloseTo(372 / 14);
    expect(t.high).toBeCloseTo(37.2);
    expect(describeTimeToLimit(t)).toBe('at this rate reaches the 512MB memoryLimit in 31 h (27 h–37 h)');
  });

  it('picks the nearest limit, says so when already there, and leaves the high end open when the slope\'s low end is not growth', () => {
    const t = timeToLimit(trend, [limit512, { name: 'warning alert', written: '200MB', value: 200 * MB }])!;
    expect(t.limitName).toBe('warning alert');
    expect(describeTimeToLimit(t)).toBe('at this rate reaches the 200MB warning alert in 5 h (4.3 h–6 h)');
    expect(describeTimeToLimit(timeToLimit(trend, [{ name: 'peakRss budget', written: '100MB', value: 100 * MB }])!)).toBe('already at the 100MB peakRss budget');
    const loose = timeToLimit({ ...trend, low: -1 * MB }, [limit512])!;
    expect(loose.high).toBeNull();
    expect(describeTimeToLimit(loose)).toMatch(/\(27 h–never, within the interval\)$/);
  });

  it('says nothing of a series that is not leaking, and counts iterations for a counted run', () => {
    expect(timeToLimit({ ...trend, verdict: 'bounded' }, [limit512])).toBeNull();
    // a slope budget broken by a trend too noisy to call a leak: still worth the projection
    expect(timeToLimit({ ...trend, verdict: 'inconclusive' }, [limit512], true)!.estimate).toBeCloseTo(31);
    expect(timeToLimit(trend, [])).toBeNull();
    const perStep: TrendResult = { ...trend, per: 'iteration', slope: 2 * MB, low: 1.5 * MB, high: 2.5 * MB, intercept: 100 * MB, interceptX: 5, endX: 55 };
    expect(describeTimeToLimit(timeToLimit(perStep, [limit512])!)).toBe('at this rate reaches the 512MB memoryLimit in 156 iterations (125–208)');
    const check: Check = { id: 'leak.rss', resource: 'rss', kind: 'leak', observed: 2 * MB, unit: 'B', pass: false, message: 'RSS grows', trend: perStep };
    expect(withTimeToLimit(check, [limit512]).message).toBe('RSS grows; at this rate reaches the 512MB memoryLimit in 156 iterations (125–208)');
  });
});
