import { describe, expect, it } from 'vitest';
import { gapsOf, livesByDrops, livesByStartTime } from './seriesLives.ts';

const MB = 1e6;
/** one point a second from t = 0 */
const series = (values: number[]) => values.map((v, i) => ({ t: i * 1000, v }));
/** a leak of 1 MB a point from 25 MB, restarted at `at` (back to 24 MB), with a page of noise */
const leakRestartedAt = (n: number, at: number) => series(Array.from({ length: n }, (_, i) => (i < at ? 25 * MB + i * MB : 24 * MB + (i - at) * MB) + (i % 3) * 4096));

describe('livesByDrops', () => {
  it('cuts a leaking series where a restart drops it back to where it began', () => {
    expect(livesByDrops(leakRestartedAt(60, 35))).toEqual([{ from: 0, to: 34, startedBy: 'range' }, { from: 35, to: 59, startedBy: 'drop' }]);
  });

  it('keeps a flat series with noise, and memory given back part way, as one life', () => {
    const noisy = series(Array.from({ length: 60 }, (_, i) => 30 * MB + ((i * 7919) % 13) * 40_000));
    expect(livesByDrops(noisy)).toHaveLength(1);
    // a cache cleared to half of what it gained: not back to the start
    const halfBack = series([...Array.from({ length: 30 }, (_, i) => 20 * MB + i * MB), ...Array.from({ length: 30 }, () => 35 * MB)]);
    expect(livesByDrops(halfBack)).toHaveLength(1);
  });

  it('a clean process restarted below its first point is a new life too', () => {
    const clean = series([...Array.from({ length: 30 }, () => 26 * MB), ...Array.from({ length: 30 }, (_, i) => 20 * MB + Math.min(i, 5) * MB)]);
    expect(livesByDrops(clean).map((l) => l.from)).toEqual([0, 30]);
  });
});

describe('livesByStartTime', () => {
  it('cuts where the process start time changes, whatever the values do', () => {
    const points = leakRestartedAt(60, 35);
    const starts = series(Array.from({ length: 60 }, (_, i) => (i < 36 ? 1000.25 : 1035.75)));
    expect(livesByStartTime(points, starts)).toEqual([{ from: 0, to: 35, startedBy: 'range' }, { from: 36, to: 59, startedBy: 'start time' }]);
  });

  it('a start time that wobbles by under a second is the same process, and a GC sawtooth is one life', () => {
    const sawtooth = series(Array.from({ length: 60 }, (_, i) => 10 * MB + (i % 10) * 2 * MB));
    const starts = series(Array.from({ length: 60 }, (_, i) => 1000 + (i % 2) * 0.3));
    expect(livesByStartTime(sawtooth, starts)).toEqual([{ from: 0, to: 59, startedBy: 'range' }]);
    expect(livesByDrops(sawtooth).length).toBeGreaterThan(1); // why the start time is read where it exists
  });
});

describe('gapsOf', () => {
  it('finds the stretches with no point longer than the allowed gap', () => {
    const points = series([1, 2, 3]).concat([{ t: 10_000, v: 4 }, { t: 11_000, v: 5 }]);
    expect(gapsOf(points, 3000)).toEqual([{ from: 2000, to: 10_000 }]);
  });
});
