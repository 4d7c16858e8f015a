import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { ar1Factor, autocorrelationFactor, hamedRaoFactor } from './hamedRao.ts';
import { mannKendall } from './mannKendall.ts';
import { theilSen } from './theilSen.ts';

const xs = (n: number) => Array.from({ length: n }, (_, i) => i);

function ar1(n: number, phi: number, seed: number): number[] {
  const z = gaussian(seededRandom(seed));
  const out: number[] = [];
  let e = z() / Math.sqrt(1 - phi * phi);
  for (let i = 0; i < n; i++) {
    out.push(e);
    e = phi * e + z();
  }
  return out;
}

describe('mannKendall', () => {
  it('computes S, Var(S) and p as in Kendall (1975)', () => {
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.varS).toBeCloseTo(50 / 3, 10);
    expect(r.z).toBeCloseTo(9 / Math.sqrt(50 / 3), 10);
    expect(r.pIncrease).toBeCloseTo(0.01376, 4);
    expect(mannKendall([5, 4, 3, 2, 1]).pIncrease).toBeGreaterThan(0.98);
  });
  it('corrects Var(S) for ties', () => {
    // one group of 3 ties among 5: 5·4·15 − 3·2·11 = 234, /18 = 13
    expect(mannKendall([1, 2, 2, 2, 3]).varS).toBeCloseTo(13, 10);
  });
  it('holds its nominal level on white noise', () => {
    let hits = 0;
    for (let seed = 1; seed <= 1000; seed++) if (mannKendall(ar1(50, 0, seed)).pIncrease < 0.05) hits++;
    expect(hits).toBeGreaterThan(30);
    expect(hits).toBeLessThan(70);
  });
  it('with the autocorrelation factor, cuts false trends on autocorrelated noise', () => {
    let plain = 0;
    let hamedRao = 0;
    let corrected = 0;
    const x = xs(50);
    for (let seed = 1; seed <= 1000; seed++) {
      const y = ar1(50, 0.6, seed);
      const slope = theilSen(x, y).slope;
      if (mannKendall(y).pIncrease < 0.01) plain++;
      if (mannKendall(y, hamedRaoFactor(x, y, slope)).pIncrease < 0.01) hamedRao++;
      if (mannKendall(y, autocorrelationFactor(x, y, slope)).pIncrease < 0.01) corrected++;
    }
    expect(plain).toBeGreaterThan(60); // ~10% at a 1% level: the problem the correction exists for
    expect(hamedRao).toBeLessThan(plain);
    expect(corrected).toBeLessThan(hamedRao / 2);
    expect(corrected).toBeLessThan(30);
  });
});

describe('hamedRaoFactor', () => {
  it('is about 1 on white noise and well above 1 on strongly autocorrelated noise', () => {
    const x = xs(50);
    let white = 0;
    let red = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const w = ar1(50, 0, seed);
      const r = ar1(50, 0.8, seed);
      white += hamedRaoFactor(x, w, theilSen(x, w).slope);
      red += hamedRaoFactor(x, r, theilSen(x, r).slope);
    }
    expect(white / 100).toBeLessThan(1.3);
    expect(red / 100).toBeGreaterThan(2);
  });
  it('the AR(1) factor follows φ', () => {
    const x = xs(50);
    const mean = (phi: number) => {
      let sum = 0;
      for (let seed = 1; seed <= 100; seed++) {
        const y = ar1(50, phi, seed);
        sum += ar1Factor(x, y, theilSen(x, y).slope);
      }
      return sum / 100;
    };
    const [a, b, c] = [mean(0), mean(0.4), mean(0.8)];
    expect(a).toBeLessThan(1.5);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b + 1);
  });
  it('is 1 for a perfect line, whose detrended ranks are all tied', () => {
    const x = xs(12);
    expect(hamedRaoFactor(x, x, 1)).toBe(1);
  });
});
