import { describe, expect, it } from 'vitest';
import { minMaxBuckets } from './downsample.ts';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('minMaxBuckets', () => {
  it('returns short series unchanged', () => {
    const out = minMaxBuckets([0, 1, 2], [[5, null, 7]], 10);
    expect(out).toEqual({ x: [0, 1, 2], ys: [[5, null, 7]] });
  });

  it('keeps a one-sample spike and a one-sample dip out of 600,000 points', () => {
    const n = 600_000;
    const rand = seeded(7);
    const x = Array.from({ length: n }, (_, i) => i * 1000);
    const y: number[] = Array.from({ length: n }, (_, i) => 100e6 + i * 10 + rand() * 1e5);
    y[123_457] = 900e6; // spike
    y[400_001] = 1e6; // dip
    const out = minMaxBuckets(x, [y], 1000);
    expect(out.x.length).toBeLessThanOrEqual(2000);
    expect(out.ys[0]!.length).toBe(out.x.length);
    const vals = out.ys[0]!.filter((v): v is number => v !== null);
    expect(Math.max(...vals)).toBe(900e6);
    expect(Math.min(...vals)).toBe(1e6);
    // x stays sorted and within the source range
    for (let i = 1; i < out.x.length; i++) expect(out.x[i]!).toBeGreaterThanOrEqual(out.x[i - 1]!);
    expect(out.x[0]).toBe(0);
    expect(out.x.at(-1)).toBe(x.at(-1));
  });

  it('keeps every series peak, not only the first series', () => {
    const n = 10_000;
    const x = Array.from({ length: n }, (_, i) => i);
    const a = x.map(() => 1);
    const b = x.map(() => 2);
    a[10] = 50;
    b[9_990] = 70;
    const out = minMaxBuckets(x, [a, b], 50);
    expect(Math.max(...(out.ys[0] as number[]))).toBe(50);
    expect(Math.max(...(out.ys[1] as number[]))).toBe(70);
  });

  it('orders min and max as they occurred, and keeps all-null buckets null', () => {
    const x = [0, 1, 2, 3, 4, 5, 6, 7];
    const y = [9, 1, 5, 5, null, null, null, null];
    const out = minMaxBuckets(x, [y], 2);
    expect(out.x).toEqual([0, 3, 4, 7]);
    expect(out.ys[0]).toEqual([9, 1, null, null]);
  });

  it('rejects mismatched lengths and bad bucket counts', () => {
    expect(() => minMaxBuckets([1, 2], [[1]], 1)).toThrow(/length/);
    expect(() => minMaxBuckets([1, 2], [[1, 2]], 0)).toThrow(/buckets/);
  });
});
