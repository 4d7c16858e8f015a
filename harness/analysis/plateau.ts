// Did a rising series stop rising? A bounded cache fills then flattens; lazy initialisation
// steps up early then holds. Both fail a whole-series trend test, so the trend verdict asks
// this before it says "leak".
import { autocorrelationFactor } from './hamedRao.ts';
import { theilSen } from './theilSen.ts';

export interface Plateau {
  /** index where the flat tail starts */
  at: number;
  headSlope: number;
  tailSlope: number;
  /** upper end of the tail slope's 95% interval */
  tailHigh: number;
  /** samples up to and including `at`, and from `at` on */
  headLength: number;
  tailLength: number;
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
 * Where an initial rise ended: the earliest k at or after the best hinge such that the series
 * rose clearly up to k and the tail y[k..] grows surely (95% upper bound) less than a quarter as
 * fast as the head (a quarter: caches and lazy initialisation rise 10–100 times faster than
 * the noise lets the tail's slope wander). A steady leak under noise almost never passes, because a tail's interval
 * is wide. Whether the tail still grows slowly (a leak after lazy initialisation) is for the
 * caller's trend test on the tail. Counted resources have no noise but leak in steps (one
 * socket every few iterations), so their tail must also stay flat for more than twice the
 * longest pause taken while they were rising.
 */
export function findPlateau(x: number[], y: number[], opts: PlateauOptions): Plateau | null {
  const n = y.length;
  const minTail = minTailLength(n);
  // Memory: only an early rise counts (flat at least as long as it rose), because a leak that
  // grows in allocator-sized steps (256 KiB arenas, 1 MiB heap segments) is flat between steps.
  const last = opts.kind === 'memory' ? Math.min(n - minTail, Math.floor((n - 1) / 2)) : n - minTail;
  if (last < 1) return null;
  const first = bestHinge(x, y, 1, last);
  // long series: try at most ~40 candidates, each costs a Theil–Sen fit of the tail
  const step = Math.max(1, Math.ceil((last - first) / 40));
  for (let k = first; k <= last; k += step) {
    // cheapest rejections first: this runs for every series the runner analyses
    const hx = x.slice(0, k + 1);
    const hy = y.slice(0, k + 1);
    const headSlope = theilSen(hx, hy).slope;
    if (!(headSlope > 0)) continue;
    const tx = x.slice(k);
    const ty = y.slice(k);
    if (opts.kind === 'count' && ty.length - 1 <= 2 * longestPause(y, k)) continue;
    const plain = theilSen(tx, ty);
    if (!roseClearly(hy, tx, ty, plain)) continue;
    const factor = autocorrelationFactor(tx, ty, plain.slope);
    const tail = theilSen(tx, ty, { confidence: 0.95, varianceFactor: factor });
    if (!(tail.high < 0.25 * headSlope)) continue;
    return { at: k, headSlope, tailSlope: tail.slope, tailHigh: tail.high, headLength: k + 1, tailLength: ty.length };
  }
  return null;
}
