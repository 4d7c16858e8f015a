import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../fixtures/eval/seededRandom.ts';
import { bestHinge, findPlateau } from './plateau.ts';

const xs = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('findPlateau', () => {
  it('finds the hinge of a rise that stops', () => {
    const x = xs(50);
    expect(bestHinge(x, x.map((v) => Math.min(v, 17) * 3), 1, 40)).toBe(17);
  });
  it('finds where a capped cache stopped filling, under noise', () => {
    const x = xs(50);
    let found = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const z = gaussian(seededRandom(seed));
      const y = x.map((v) => 100e6 + 200e3 * Math.min(v, 15) + 100e3 * z());
      const p = findPlateau(x, y, { kind: 'memory' });
      if (p && p.at >= 10 && p.at <= 22) found++;
    }
    expect(found).toBeGreaterThanOrEqual(48);
  });
  it('finds no plateau in a steady leak under noise', () => {
    const x = xs(50);
    let false_ = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const z = gaussian(seededRandom(seed));
      const y = x.map((v) => 100e6 + 32e3 * v + 300e3 * z());
      if (findPlateau(x, y, { kind: 'memory' })) false_++;
    }
    expect(false_).toBeLessThanOrEqual(3);
  });
  it('counts: a socket every 4 iterations is not a plateau, a rise that stops is', () => {
    const x = xs(40);
    expect(findPlateau(x, x.map((v) => 3 + Math.floor(v / 4)), { kind: 'count' })).toBeNull();
    const p = findPlateau(x, x.map((v) => 3 + Math.min(v, 8)), { kind: 'count' });
    expect(p?.at).toBe(8);
  });
});
