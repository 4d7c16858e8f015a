// Theil–Sen slope: the median of all pairwise slopes. Robust to a third of the points being
// wild (a GC that ran late, a neighbour's burst), unlike least squares.
import { kendallVarianceS } from './kendallVariance.ts';
import { normalQuantile } from './normalDistribution.ts';

export interface TheilSenFit {
  slope: number;
  intercept: number;
  low: number;
  high: number;
  confidence: number;
}

export interface TheilSenOptions {
  /** two-sided confidence level of [low, high]; default 0.95 */
  confidence?: number;
  /** multiplies Var(S) before the interval is read off: the Hamed–Rao n/n* for autocorrelated series */
  varianceFactor?: number;
}

function median(sorted: ArrayLike<number>): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** All slopes between pairs with distinct x, sorted ascending. */
export function pairwiseSlopes(x: number[], y: number[]): Float64Array {
  const n = x.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = x[j]! - x[i]!;
      if (dx !== 0) slopes[m++] = (y[j]! - y[i]!) / dx;
    }
  }
  // typed-array sort is numeric and several times faster than Array#sort with a comparator
  return slopes.subarray(0, m).sort();
}

/**
 * Slope with Sen's (1968) distribution-free interval: the order statistics of the pairwise
 * slopes at (N ∓ z·sqrt(Var S))/2, computed as scipy.stats.theilslopes does.
 */
export function theilSen(x: number[], y: number[], opts: TheilSenOptions = {}): TheilSenFit {
  if (x.length !== y.length) throw new RangeError(`theilSen: x has ${x.length} values, y has ${y.length}`);
  const confidence = opts.confidence ?? 0.95;
  const slopes = pairwiseSlopes(x, y);
  if (slopes.length === 0) throw new RangeError('theilSen needs at least two points with distinct x');
  const slope = median(slopes);
  const intercept = median(y.map((v, i) => v - slope * x[i]!).sort((a, b) => a - b));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const sigma = Math.sqrt(kendallVarianceS(y) * Math.max(1, opts.varianceFactor ?? 1));
  const N = slopes.length;
  const upperIndex = Math.min(Math.round((N + z * sigma) / 2), N - 1);
  const lowerIndex = Math.max(Math.round((N - z * sigma) / 2) - 1, 0);
  return { slope, intercept, low: slopes[lowerIndex]!, high: slopes[upperIndex]!, confidence };
}
