import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { theilSen } from './theilSen.ts';

const xs = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('theilSen', () => {
  it('recovers an exact line with a zero-width interval', () => {
    const x = xs(20);
    const fit = theilSen(x, x.map((v) => 3 + 2.5 * v));
    expect(fit).toMatchObject({ slope: 2.5, intercept: 3, low: 2.5, high: 2.5 });
  });
  it('ignores a quarter of wild points that would drag least squares far off', () => {
    const x = xs(40);
    const y = x.map((v) => 1000 + 10 * v + (v % 4 === 0 ? 1e6 * (v < 20 ? 1 : -1) : 0));
    expect(theilSen(x, y).slope).toBe(10);
  });
  it('covers the true slope about 95% of the time on Gaussian noise', () => {
    const x = xs(30);
    let covered = 0;
    const runs = 400;
    for (let seed = 1; seed <= runs; seed++) {
      const z = gaussian(seededRandom(seed));
      const fit = theilSen(x, x.map((v) => 5 * v + 40 * z()));
      if (fit.low <= 5 && 5 <= fit.high) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.91);
    expect(covered / runs).toBeLessThan(0.99);
  });
  it('widens the interval by the variance factor', () => {
    const x = xs(30);
    const z = gaussian(seededRandom(7));
    const y = x.map((v) => v + 10 * z());
    const plain = theilSen(x, y);
    const wide = theilSen(x, y, { varianceFactor: 4 });
    expect(wide.high - wide.low).toBeGreaterThan(1.5 * (plain.high - plain.low));
  });
  it('refuses series without two distinct x', () => {
    expect(() => theilSen([1, 1], [1, 2])).toThrow(RangeError);
    expect(() => theilSen([1, 2], [1])).toThrow(RangeError);
  });
});
