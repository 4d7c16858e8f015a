import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { generateSeries, type SeriesSpec } from '../../fixtures/eval/syntheticSeries.ts';
import { DETECTION_POWER, detectableForTrend, judgedResiduals } from './detectableLeak.ts';
import { analyzeTrend } from './trend.ts';

const FLOOR = 4096;

/**
 * Measured: the heapUsed boundaries of fixtures/agent-targets/jobs.mjs (fixed) after 10 warmup
 * steps, 60 measured (seep run, 2026-12-01): a flicker between a few levels 3 KB apart, a 7 KB step,
 * and one 200 KB late collection. Its flicker is so regular that Mann–Kendall's autocorrelation
 * correction (n/n* = 4.3) cannot reach p < 0.001 at any slope: only the sign test's road is open.
 */
const JOBS_HEAP = [
  5166712, 5166304, 5382464, 5175464, 5182504, 5181840, 5181280, 5181840, 5185432, 5182384, 5185432, 5182384, 5181824, 5182384, 5185432, 5182384,
  5181824, 5182384, 5185432, 5182384, 5181824, 5182384, 5181824, 5182384, 5185442, 5182394, 5181834, 5182394, 5181834, 5182394, 5185442, 5182394,
  5181834, 5182394, 5185442, 5182394, 5185442, 5182394, 5181834, 5182394, 5181834, 5182394, 5181834, 5189474, 5192522, 5189474, 5188914, 5189474,
  5192522, 5189474, 5192522, 5189474, 5188914, 5189474, 5192522, 5189474, 5192522, 5189474, 5192522, 5189474, 5192522,
];

/** A run: its series, the verdict's trend of it, and the detectable size its check would state. */
function run(spec: SeriesSpec | number[], floor = FLOOR) {
  const y = Array.isArray(spec) ? spec : generateSeries(spec);
  const x = y.map((_, i) => i);
  const trend = analyzeTrend({ y, x, kind: 'memory', per: 'iteration', unit: 'B', series: 'boundaries' }, { minSlope: floor });
  return { x, y, trend, detectable: detectableForTrend(x, y, trend, floor) };
}

/**
 * The run's own residuals, resampled in blocks (moving-block bootstrap: keeps their distribution
 * and their short-range autocorrelation), plus a slope: how often the verdict says leak.
 */
function caughtFraction(x: number[], r: number[], slope: number, floor: number, trials: number, seed: number): number {
  const u = seededRandom(seed);
  const block = 6;
  let caught = 0;
  for (let t = 0; t < trials; t++) {
    const noise: number[] = [];
    while (noise.length < r.length) {
      const start = Math.floor(u() * (r.length - block + 1));
      noise.push(...r.slice(start, start + block));
    }
    const y = x.map((xi, i) => 80e6 + noise[i]! + slope * xi);
    if (analyzeTrend({ y, x, kind: 'memory', per: 'iteration', unit: 'B', series: 'boundaries' }, { minSlope: floor }).verdict === 'leak') caught++;
  }
  return caught / trials;
}

const TRIALS = 400;
// DETECTION_POWER less three binomial standard errors at TRIALS runs
const AT_LEAST = DETECTION_POWER - 3 * Math.sqrt((DETECTION_POWER * (1 - DETECTION_POWER)) / TRIALS);

describe('detectableLeak: the smallest leak a passing run would have caught', () => {
  const cases: { name: string; spec: SeriesSpec | number[]; floor?: number }[] = [
    { name: 'measured Node heap (jobs.mjs, fixed)', spec: JOBS_HEAP },
    { name: 'white noise, sd 0.25 MB, 51 points', spec: { n: 51, seed: 11, base: 80e6, slope: 0, noiseSd: 0.25e6, quantum: 4096 } },
    { name: 'AR(1) 0.5 noise, sd 0.5 MB', spec: { n: 51, seed: 12, base: 80e6, slope: 0, noiseSd: 0.5e6, phi: 0.5, quantum: 4096 } },
    { name: 'heap-like noise, sd 3 KB, 61 points', spec: { n: 61, seed: 13, base: 6e6, slope: 0, noiseSd: 3e3 } },
    { name: 'late GC outliers', spec: { n: 51, seed: 14, base: 80e6, slope: 0, noiseSd: 0.1e6, outlierRate: 0.04, outlierSize: 8e6, quantum: 4096 } },
    { name: 'RSS under the 64 KiB creep floor', spec: { n: 51, seed: 15, base: 80e6, slope: 0, noiseSd: 20e3, quantum: 4096 }, floor: 65536 },
  ];
  for (const c of cases) {
    it(`${c.name}: a leak of the stated size, added to the run's own residuals, is caught in >= ${DETECTION_POWER * 100}% of runs`, () => {
      const floor = c.floor ?? FLOOR;
      const { x, y, trend, detectable } = run(c.spec, floor);
      expect(trend.verdict).not.toBe('leak');
      expect(detectable).not.toBeNull();
      const d = detectable!;
      expect(d.slope).toBeGreaterThanOrEqual(floor);
      expect(d.power).toBe(DETECTION_POWER);
      const { x: jx, r } = judgedResiduals(x, y, trend);
      expect(caughtFraction(jx, r, d.slope, floor, TRIALS, 1)).toBeGreaterThanOrEqual(AT_LEAST);
      // and it is not a size any leak would pass: a third of it is missed often, unless the floor set
      // it. (Not half: under autocorrelation the stated size is up to twice what is needed, see
      // detectableLeak.ts, and the resampling here loosens the autocorrelation the verdict sees.)
      if (d.limitedBy === 'noise') expect(caughtFraction(jx, r, d.slope / 3, floor, TRIALS, 2)).toBeLessThan(0.9);
    });
  }

  it('a soak states it per hour, over hours of timed samples, and a leak of that size per hour is caught', () => {
    const y = generateSeries({ n: 240, seed: 24, base: 300e6, slope: 0, noiseSd: 2e6, phi: 0.3, quantum: 4096 });
    const x = y.map((_, i) => i / 10); // 24 hours, a sample every 6 minutes
    const trend = analyzeTrend({ y, x, kind: 'memory', per: 'hour', unit: 'B', series: 'timed' });
    const d = detectableForTrend(x, y, trend, 1e6)!;
    expect(d).toMatchObject({ per: 'hour', unit: 'B' });
    expect(d.slope).toBeGreaterThanOrEqual(1e6);
    const { x: jx, r } = judgedResiduals(x, y, trend);
    let caught = 0;
    const u = seededRandom(3);
    for (let t = 0; t < 100; t++) {
      const shift = Math.floor(u() * r.length); // the residuals, circularly shifted
      const ys = jx.map((xi, i) => 300e6 + r[(i + shift) % r.length]! + d.slope * xi);
      if (analyzeTrend({ y: ys, x: jx, kind: 'memory', per: 'hour', unit: 'B', series: 'timed' }).verdict === 'leak') caught++;
    }
    expect(caught).toBeGreaterThanOrEqual(97);
  });

  it('grows with the noise and shrinks with the number of points', () => {
    const base: SeriesSpec = { n: 51, seed: 21, base: 80e6, slope: 0, noiseSd: 0.25e6, quantum: 4096 };
    const quiet = run(base).detectable!.slope;
    const loud = run({ ...base, noiseSd: 1e6 }).detectable!.slope;
    const longer = run({ ...base, n: 201 }).detectable!.slope;
    expect(loud).toBeGreaterThan(2 * quiet);
    expect(longer).toBeLessThan(quiet / 2);
  });

  it('says the floor set it when the noise is negligible', () => {
    const d = run({ n: 51, seed: 22, base: 6e6, slope: 0, noiseSd: 50 }).detectable!;
    expect(d.limitedBy).toBe('floor');
    expect(d.slope).toBeLessThan(FLOOR * 1.1);
  });

  it('states nothing below the points the verdict needs', () => {
    expect(run({ n: 8, seed: 23, base: 80e6, slope: 0, noiseSd: 0.25e6 }).detectable).toBeNull();
  });
});
