import { describe, expect, it } from 'vitest';
import { METRICS, type Sample } from '../report/sampleSchema.ts';
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

describe('series recorder boundaries', () => {
  it('thins measured boundaries past the cap, keeping warmup, settle, and the first and last measured', () => {
    const r = createSeriesRecorder({ maxBoundaries: 100 });
    const at = (t: number, phase: Sample['phase'], iteration: number | null) => ({ ...sample(t, 1000 + t), phase, iteration });
    for (let i = 0; i < 3; i++) r.boundary(at(i, 'warmup', i));
    for (let i = 3; i < 10_003; i++) r.boundary(at(i, 'measured', i));
    r.boundary(at(20_000, 'settle', null));
    const b = r.build().boundaries;
    expect(b.t.length).toBeLessThan(100);
    expect(b.phase.filter((p) => p === 'warmup')).toHaveLength(3);
    expect(b.iteration[3]).toBe(3); // the first measured one stays where the runner's index says
    expect(b.iteration.filter((x) => x !== null).at(-1)).toBe(10_002);
    expect(b.phase.at(-1)).toBe('settle');
    // thinned, not merged: every value is a reading that was taken, with its own iteration
    b.t.forEach((t, i) => expect(b.values.rss[i]).toBe(1000 + t));
  });
});
