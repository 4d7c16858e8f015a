// Theil–Sen and Mann–Kendall look at every pair of points: fine for 50 iterations, not for a
// day of 4 Hz samples. Long series are reduced to block medians first, which also damps the
// short-range autocorrelation that Hamed–Rao would otherwise have to correct.

export const MAX_POINTS = 300;

export interface Reduced {
  x: number[];
  y: number[];
  /** index in the original series where each reduced point's block starts */
  start: number[];
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function reduceToBlockMedians(x: number[], y: number[], maxPoints = MAX_POINTS): Reduced {
  const n = y.length;
  if (n <= maxPoints) return { x, y, start: x.map((_, i) => i) };
  const size = Math.ceil(n / maxPoints);
  const out: Reduced = { x: [], y: [], start: [] };
  for (let i = 0; i < n; i += size) {
    out.x.push(median(x.slice(i, i + size)));
    out.y.push(median(y.slice(i, i + size)));
    out.start.push(i);
  }
  return out;
}
