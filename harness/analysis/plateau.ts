// Did a rising series stop rising? A bounded cache fills then flattens; lazy initialisation
// steps up early then holds. Both fail a whole-series trend test, so the trend verdict asks
// this before it says "leak".
import { autocorrelationFactor } from './hamedRao.ts';
import { mannKendall } from './mannKendall.ts';
import { theilSen } from './theilSen.ts';

export interface Plateau {
  /** index where the flat tail starts */
  at: number;
  headSlope: number;
  tailSlope: number;
  /** upper end of the tail slope's 95% interval */
  tailHigh: number;
}

export interface PlateauOptions {
  kind: 'memory' | 'count';
}

/** The k whose hinge model y = a + b·min(x, x_k) fits best by least squares. */
export function bestHinge(x: number[], y: number[], from: number, to: number): number {
  let best = to;
  let bestSse = Infinity;
  const n = y.length;
  const my = y.reduce((s, v) => s + v, 0) / n;
  for (let k = from; k <= to; k++) {
    const xk = x[k]!;
    let mz = 0;
    for (let i = 0; i < n; i++) mz += Math.min(x[i]!, xk);
    mz /= n;
    let szz = 0;
    let szy = 0;
    let syy = 0;
    for (let i = 0; i < n; i++) {
      const dz = Math.min(x[i]!, xk) - mz;
      const dy = y[i]! - my;
      szz += dz * dz;
      szy += dz * dy;
      syy += dy * dy;
    }
    const sse = szz > 0 ? syy - (szy * szy) / szz : syy;
    if (sse < bestSse) {
      bestSse = sse;
      best = k;
    }
  }
  return best;
}

/** Longest run of consecutive steps without a rise, in y[0..end]. */
function longestPause(y: number[], end: number): number {
  let longest = 0;
  let run = 0;
  for (let i = 1; i <= end; i++) {
    run = y[i]! > y[i - 1]! ? 0 : run + 1;
    longest = Math.max(longest, run);
  }
  return longest;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The level of the tail stands clearly (3 standard errors) above where the series started, the
 * noise read from the tail's scatter (1.4826·MAD, the normal-consistent robust sd; 1.25 is the
 * efficiency loss of a median against a mean). Without this, a noisy flat series has a "rise"
 * in its first few points half the time, and a short head's slope can be anything.
 */
function roseClearly(hy: number[], tx: number[], ty: number[], tail: { slope: number; intercept: number }): boolean {
  const head = hy.slice(0, 3);
  const residuals = ty.map((v, i) => Math.abs(v - (tail.intercept + tail.slope * tx[i]!)));
  const sd = 1.4826 * median(residuals);
  const se = 1.25 * sd * Math.sqrt(1 / head.length + 1 / ty.length);
  return median(ty) - median(head) > 3 * se;
}

export function minTailLength(n: number): number {
  return Math.max(6, Math.ceil(0.2 * n));
}

/**
 * The earliest k at or after the best hinge such that the tail y[k..] is flat: it does not
 * rise even at the loose 5% level, and its slope is surely (95% upper bound) less than half
 * the slope before k. A steady leak under noise passes the first test often but the second
 * almost never, because a short tail's interval is wide. Counted resources have no noise but
 * leak in steps (one socket every few iterations), so their tail must also stay flat for more
 * than twice the longest pause taken while they were rising.
 */
export function findPlateau(x: number[], y: number[], opts: PlateauOptions): Plateau | null {
  const n = y.length;
  const minTail = minTailLength(n);
  const last = n - minTail;
  if (last < 1) return null;
  const first = bestHinge(x, y, 1, last);
  // long series: try at most ~40 candidates, each costs a Theil–Sen fit of the tail
  const step = Math.max(1, Math.ceil((last - first) / 40));
  for (let k = first; k <= last; k += step) {
    const hx = x.slice(0, k + 1);
    const hy = y.slice(0, k + 1);
    const headSlope = theilSen(hx, hy).slope;
    if (!(headSlope > 0)) continue;
    const tx = x.slice(k);
    const ty = y.slice(k);
    if (opts.kind === 'count' && ty.length - 1 <= 2 * longestPause(y, k)) continue;
    const plain = theilSen(tx, ty);
    const factor = autocorrelationFactor(tx, ty, plain.slope);
    const tail = theilSen(tx, ty, { confidence: 0.95, varianceFactor: factor });
    if (mannKendall(ty, factor).pIncrease < 0.05) continue;
    if (!(tail.high < 0.5 * headSlope)) continue;
    if (!roseClearly(hy, tx, ty, tail)) continue;
    return { at: k, headSlope, tailSlope: tail.slope, tailHigh: tail.high };
  }
  return null;
}
