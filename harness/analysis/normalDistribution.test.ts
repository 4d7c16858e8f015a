import { describe, expect, it } from 'vitest';
import { normalQuantile, normalUpperTail } from './normalDistribution.ts';

describe('normal distribution', () => {
  it('matches table values', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.999)).toBeCloseTo(3.090232, 5);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 6);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(-1.644854)).toBeCloseTo(0.95, 6);
  });
  it('keeps relative precision in the far tail', () => {
    // P(Z > 5) = 2.866516e-7
    expect(normalUpperTail(5) / 2.866516e-7).toBeCloseTo(1, 5);
  });
  it('inverts its own tail', () => {
    for (const p of [1e-6, 0.001, 0.2, 0.5, 0.8, 0.999]) expect(normalUpperTail(-normalQuantile(p))).toBeCloseTo(p, 6);
  });
  it('refuses probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow(RangeError);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});
