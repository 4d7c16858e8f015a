import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { generateSeries } from '../../fixtures/eval/syntheticSeries.ts';
import { analyzeTrend, defaultAlpha, type TrendInput } from './trend.ts';

const memory = (y: number[], extra: Partial<TrendInput> = {}): TrendInput => ({
  y, kind: 'memory', per: 'iteration', unit: 'B', series: 'boundaries', ...extra,
});
const count = (y: number[]): TrendInput => ({ y, kind: 'count', per: 'iteration', unit: 'sockets', series: 'boundaries' });
const noisy = (n: number, seed: number, f: (i: number) => number, sd: number) => {
  const z = gaussian(seededRandom(seed));
  return Array.from({ length: n }, (_, i) => f(i) + sd * z());
};

describe('analyzeTrend', () => {
  it('gives the fitted line: the Theil–Sen intercept at the first x fitted, through the last, ignoring an outlier', () => {
    const y = Array.from({ length: 20 }, (_, i) => 1e6 + 50e3 * i);
    y[7] = 9e9;
    const r = analyzeTrend(memory(y, { x: y.map((_, i) => i + 5), offset: 5 }));
    expect(r.slope).toBe(50e3);
    expect(r).toMatchObject({ intercept: 1e6, interceptX: 5, endX: 24 });
  });

  it('fits the line after the rise when the series rose then plateaued', () => {
    const y = Array.from({ length: 40 }, (_, i) => (i < 10 ? 1e6 + 1e6 * i : 11e6 + (i % 2) * 1e3));
    const r = analyzeTrend(memory(y));
    expect(r.verdict).toBe('bounded');
    expect(r.interceptX).toBe(r.plateauAt);
    expect(r.intercept).toBeGreaterThan(10e6);
    expect(r.endX).toBe(39);
  });

  it('calls a steady 48 KB per iteration under noise a leak, with an interval around it', () => {
    const r = analyzeTrend(memory(noisy(50, 1, (i) => 80e6 + 48e3 * i, 300e3)));
    expect(r.verdict).toBe('leak');
    expect(r.low).toBeLessThan(48e3);
    expect(r.high).toBeGreaterThan(48e3);
    expect(r.slope).toBeGreaterThan(38e3);
    expect(r.slope).toBeLessThan(58e3);
    expect(r.plateauAt).toBeNull();
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.reason).toMatch(/no plateau, Mann–Kendall p<0.001/);
  });
  it('calls a flat series bounded', () => {
    const r = analyzeTrend(memory(noisy(50, 2, () => 80e6, 2e3)));
    expect(r.verdict).toBe('bounded');
    expect(r.plateauAt).toBeNull();
  });
  it('calls a capped cache that fills then flattens bounded, saying where it stopped', () => {
    const r = analyzeTrend(memory(noisy(50, 3, (i) => 80e6 + 400e3 * Math.min(i, 12), 200e3)));
    expect(r.verdict).toBe('bounded');
    expect(r.plateauAt).toBeGreaterThanOrEqual(9);
    expect(r.plateauAt).toBeLessThanOrEqual(16);
    expect(r.reason).toMatch(/plateaued/);
  });
  it('calls lazy initialisation (a step in the first iterations) bounded', () => {
    const r = analyzeTrend(memory(noisy(50, 4, (i) => 80e6 + (i >= 3 ? 6e6 : 0), 200e3)));
    expect(r.verdict).toBe('bounded');
  });
  it('is inconclusive on too few samples, saying how many more are needed', () => {
    const r = analyzeTrend(memory([1, 2, 3, 4, 5, 6]));
    expect(r.verdict).toBe('inconclusive');
    expect(r.moreIterationsNeeded).toBe(4);
    expect(r.reason).toMatch(/too few samples: 6/);
  });
  it('is inconclusive when noise hides a possible leak, and more iterations decide it', () => {
    const f = (i: number) => 80e6 + 16e3 * i;
    const short = analyzeTrend(memory(noisy(20, 5, f, 1e6)));
    expect(short.verdict).toBe('inconclusive');
    expect(short.reason).toMatch(/too noisy/);
    expect(short.moreIterationsNeeded).toBeGreaterThanOrEqual(10);
    expect(short.reason).toContain(`about ${short.moreIterationsNeeded} more samples would decide`);
    const long = analyzeTrend(memory(noisy(200, 5, f, 1e6)));
    expect(long.verdict).toBe('leak');
  });
  it('catches one socket per iteration within 8 iterations', () => {
    expect(analyzeTrend(count([3, 4, 5, 6, 7, 8, 9])).verdict).toBe('inconclusive');
    const r = analyzeTrend(count([3, 4, 5, 6, 7, 8, 9, 10]));
    expect(r.verdict).toBe('leak');
    expect(r.slope).toBe(1);
  });
  it('catches a socket every third iteration, but not a pool that grows to 4 and stays', () => {
    const every3 = Array.from({ length: 30 }, (_, i) => 2 + Math.floor(i / 3));
    expect(analyzeTrend(count(every3)).verdict).toBe('leak');
    const pool = Array.from({ length: 30 }, (_, i) => 2 + Math.min(i, 4));
    const r = analyzeTrend(count(pool));
    expect(r.verdict).toBe('bounded');
    expect(r.plateauAt).toBe(4);
  });
  it('reports which samples it used, and reduces long series to block medians', () => {
    const r = analyzeTrend(memory(noisy(40, 6, () => 1e6, 1e3), { offset: 5 }));
    expect(r.samplesUsed).toEqual({ series: 'boundaries', from: 5, to: 44, count: 40 });
    const t = Array.from({ length: 3000 }, (_, i) => i / 3600); // 1 Hz for 50 minutes, in hours
    const long = analyzeTrend({ ...memory(noisy(3000, 7, (i) => 50e6 + 10e6 * t[i]!, 200e3)), x: t, per: 'hour', series: 'timed' });
    expect(long.verdict).toBe('leak');
    expect(long.samplesUsed.count).toBe(3000);
    expect(long.reason).toMatch(/3000 samples as 300 block medians/);
    expect(long.slope / 10e6).toBeCloseTo(1, 1);
  });
  it('holds memory to a level of 0.0005 and counts to 0.001', () => {
    expect(defaultAlpha('memory')).toBe(0.0005);
    expect(defaultAlpha('count')).toBe(0.001);
  });
  // 4000 trend analyses: ~17-30 s of CPU on this machine, deterministic (seeded); a busy machine stretched it past
  // the 60 s default in two full unit runs (load 15-55). Its bound only catches a hang
  it('calls at most 2 in 1000 clean AR(1) series a leak, where the level of 0.001 called 4 in 1000', { timeout: 240_000 }, () => {
    // φ=0.5, sd 0.5 MB, 50 points: the family that broke the 1-in-1000 target (fixtures/eval)
    let now = 0;
    let atOldLevel = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const y = generateSeries({ n: 50, seed, base: 80e6, slope: 0, noiseSd: 0.5e6, phi: 0.5, quantum: 4096 });
      if (analyzeTrend(memory(y)).verdict === 'leak') now++;
      if (analyzeTrend(memory(y), { alpha: 0.001 }).verdict === 'leak') atOldLevel++;
    }
    expect(now).toBeLessThanOrEqual(4);
    expect(atOldLevel).toBeGreaterThan(now); // measured 8 and 3: the test tells the two levels apart
  });
  it('still catches a real slope under AR(1) noise: 128 KB per iteration, φ=0.5, sd 0.5 MB, in 99% of 300 runs', () => {
    let caught = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const y = generateSeries({ n: 50, seed, base: 80e6, slope: 128e3, noiseSd: 0.5e6, phi: 0.5, quantum: 4096 });
      if (analyzeTrend(memory(y)).verdict === 'leak') caught++;
    }
    expect(caught).toBeGreaterThanOrEqual(297);
  });
  it('refuses samples that are not finite numbers', () => {
    expect(() => analyzeTrend(memory([1, 2, Number.NaN, 4, 5, 6, 7, 8, 9, 10]))).toThrow(/sample 2 is not a finite number/);
  });
});
