import { describe, expect, it } from 'vitest';
import type { SeriesColumns, TrendResult } from '../../report/schema.ts';
import { medianOf, trendSegment } from './trendLine.ts';

function cols(y: number[]): SeriesColumns {
  return {
    t: y.map((_, i) => i * 1_800_000), // half an hour apart
    iteration: y.map((_, i) => i),
    phase: y.map(() => 'measured'),
    values: { rss: y } as SeriesColumns['values'],
    tcp: {},
  };
}

function trend(slope: number, per: TrendResult['per'], from: number, to: number): TrendResult {
  return { verdict: 'leak', reason: '', slope, low: slope, high: slope, confidence: 0.95, unit: 'B', per, plateauAt: null, intercept: 0, interceptX: from, endX: to, samplesUsed: { series: 'boundaries', from, to, count: to - from + 1 } };
}

describe('trendSegment', () => {
  it('recovers the line through a clean linear series, ignoring one outlier', () => {
    const y = Array.from({ length: 20 }, (_, i) => 1000 + 50 * i);
    y[7] = 1e9;
    const c = cols(y);
    const seg = trendSegment(trend(50, 'iteration', 2, 19), c, y, c.iteration as number[]);
    expect(seg).toEqual({ x0: 2, y0: 1100, x1: 19, y1: 1950 });
  });

  it('uses hours for per-hour slopes and draws in the chart x', () => {
    const y = Array.from({ length: 5 }, (_, i) => 10 + 4 * (i * 0.5)); // 4 per hour, samples every 30 min
    const c = cols(y);
    const seg = trendSegment(trend(4, 'hour', 0, 4), c, y, c.t);
    expect(seg).toEqual({ x0: 0, y0: 10, x1: 4 * 1_800_000, y1: 18 });
  });

  it('gives null when the used samples hold no values', () => {
    const c = cols([1, 2, 3]);
    expect(trendSegment(trend(1, 'iteration', 0, 2), c, [null, null, null], [0, 1, 2])).toBeNull();
  });

  it('median of even and odd counts', () => {
    expect(medianOf([3, 1, 2])).toBe(2);
    expect(medianOf([4, 1, 2, 3])).toBe(2.5);
    expect(() => medianOf([])).toThrow();
  });
});
