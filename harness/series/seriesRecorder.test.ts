import { describe, expect, it } from 'vitest';
import { METRICS, type Sample } from '../report/schema.ts';
import { createSeriesRecorder } from './seriesRecorder.ts';

function sample(t: number, rss: number, tcp: Sample['tcp'] = {}): Sample {
  const values = Object.fromEntries(METRICS.map((m) => [m, m === 'rss' ? rss : 0])) as Sample['values'];
  return { t, iteration: null, phase: 'measured', values, tcp, pids: [1] };
}

describe('series recorder', () => {
  it('keeps columns aligned when a TCP state first appears late', () => {
    const r = createSeriesRecorder();
    r.boundary(sample(0, 10));
    r.boundary(sample(1, 11, { ESTABLISHED: 2 }));
    r.boundary(sample(2, 12));
    const b = r.build().boundaries;
    expect(b.values.rss).toEqual([10, 11, 12]);
    expect(b.tcp.ESTABLISHED).toEqual([0, 2, 0]);
  });

  it('stays bounded over a long run and keeps the peak', () => {
    const r = createSeriesRecorder({ maxTimed: 1000 });
    for (let i = 0; i < 100_000; i++) r.timed(sample(i, i === 54_321 ? 999_999 : 100 + (i % 7)));
    const s = r.build();
    expect(s.timed.t.length).toBeLessThan(1000);
    expect(s.timedCount).toBe(100_000);
    expect(s.downsampled).toBe(true);
    expect(Math.max(...(s.timed.values.rss as number[]))).toBe(999_999);
    expect(s.timed.t.at(-1)).toBe(99_999);
  });
});
