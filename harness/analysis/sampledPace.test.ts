// sampledPace on seeded simulations of what V8's sampler gives a site: samples arriving as a Poisson
// process, from a cache filling as a coupon collector (fixtures/soak-window) or from a steady leak.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { binomialUpperTail } from './signTest.ts';
import { sampledPace } from './sampledPace.ts';

/** bytes one sample stands for (a ~900-byte rendering sampled every KiB, scaled by its odds) */
const SAMPLE = 1500;

/** a Poisson draw of mean `mean` (Knuth's, or a rounded normal past 50) */
function poisson(rand: () => number, mean: number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())));
  let [k, p] = [0, rand()];
  const limit = Math.exp(-mean);
  while (p > limit) [k, p] = [k + 1, p * rand()];
  return k;
}

/** reads every 2 s over 60 s from `warmupS` on: the site's sampled bytes since the first read */
function reads(samplesBetween: (fromS: number, toS: number) => number): { x: number[]; y: number[] } {
  const x = [0];
  const y = [0];
  for (let i = 1; i <= 30; i++) {
    x.push(i);
    y.push(y[i - 1]! + SAMPLE * samplesBetween(2 * (i - 1), 2 * i));
  }
  return { x, y };
}

/**
 * fixtures/soak-window's render cache: 1,000 ids asked at random, 40 a second; a new id's rendering
 * is sampled with odds `odds`; the window starts `warmupS` after the cache was empty.
 */
function fillingCache(rand: () => number, warmupS: number, odds: number) {
  let filled = 0;
  const ask = (seconds: number) => {
    let sampled = 0;
    for (let r = 0; r < 40 * seconds; r++) {
      if (rand() < (1000 - filled) / 1000) {
        filled++;
        if (rand() < odds) sampled++;
      }
    }
    return sampled;
  };
  ask(warmupS);
  return reads((from, to) => ask(to - from));
}

describe('binomialUpperTail with p', () => {
  it('sums the exact tail', () => {
    expect(binomialUpperTail(2, 3, 0.3)).toBeCloseTo(3 * 0.09 * 0.7 + 0.027, 12);
    expect(binomialUpperTail(1, 5, 0.2)).toBeCloseTo(1 - 0.8 ** 5, 12);
    expect(binomialUpperTail(0, 5, 0.2)).toBe(1);
    expect(binomialUpperTail(6, 5, 0.2)).toBe(0);
    // a large m stays finite and near the normal tail: P(X >= mean + 3 sd) ~ 0.0013
    const p = binomialUpperTail(Math.ceil(100_000 * 0.375 + 3 * Math.sqrt(100_000 * 0.375 * 0.625)), 100_000, 0.375);
    expect(p).toBeGreaterThan(0.0008);
    expect(p).toBeLessThan(0.002);
  });
});

describe('sampledPace', () => {
  it('never shows a filling cache of 10-60 samples keeping its pace (1000 seeded windows)', () => {
    let kept = 0;
    const totals: number[] = [];
    for (let seed = 1; seed <= 1000; seed++) {
      const rand = seededRandom(seed);
      const { x, y } = fillingCache(rand, 5 + 15 * rand(), 0.015 + 0.085 * rand());
      const pace = sampledPace(x, y, SAMPLE)!;
      totals.push(pace.first + pace.second);
      if (pace.keepsPace) kept++;
    }
    totals.sort((a, b) => a - b);
    // the windows are as sparse as the one that failed (20-35 samples) and sparser and denser
    expect(totals[50]).toBeLessThanOrEqual(20);
    expect(totals[950]).toBeGreaterThanOrEqual(35);
    expect(kept).toBeLessThanOrEqual(1);
  });

  it('shows a steady leak of ~400 samples keeping its pace in nearly every window', () => {
    let kept = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const rand = seededRandom(seed);
      const pace = sampledPace(...Object.values(reads((from, to) => poisson(rand, (400 / 60) * (to - from)))) as [number[], number[]], SAMPLE)!;
      if (pace.keepsPace) kept++;
    }
    // normal approximation of the test's power at 400 samples: 0.998
    expect(kept).toBeGreaterThanOrEqual(990);
  });

  it('a dense leak (the leaky twin: thousands of samples) always keeps its pace; a plateau does not', () => {
    const rand = seededRandom(7);
    const dense = reads((from, to) => poisson(rand, 100 * (to - from)));
    expect(sampledPace(dense.x, dense.y, SAMPLE)).toMatchObject({ keepsPace: true, slowing: false });
    const flatAfter = { x: dense.x, y: dense.y.map((v, i) => (i <= 10 ? v : dense.y[10]!)) };
    expect(sampledPace(flatAfter.x, flatAfter.y, SAMPLE)).toMatchObject({ keepsPace: false, slowing: true, second: 0 });
  });

  it('reads the halves at the read nearest the middle step, and needs 4 reads and a sample size', () => {
    const pace = sampledPace([0, 1, 2, 3, 4], [0, 3000, 6000, 8250, 10_500], SAMPLE)!;
    expect(pace).toMatchObject({ first: 4, second: 3, firstPerStep: 3000, secondPerStep: 2250, slowing: false, keepsPace: false });
    expect(pace.pValue).toBeCloseTo(binomialUpperTail(3, 7, 0.375), 12);
    expect(sampledPace([0, 1, 2, 3, 4], [0, 3000, 6000, 7500, 9000], SAMPLE)).toMatchObject({ first: 4, second: 2, slowing: true });
    expect(sampledPace([0, 1, 2], [0, 1500, 3000], SAMPLE)).toBeNull();
    expect(sampledPace([0, 1, 2, 3], [0, 1500, 3000, 4500], 0)).toBeNull();
  });
});
