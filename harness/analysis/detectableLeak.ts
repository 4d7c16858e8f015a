// What a passing leak check could have caught: from the noise this run observed (the residuals of
// the judged series around its fitted line, their number and their autocorrelation), the smallest
// steady growth the trend verdict (trend.ts) would have called a leak with probability POWER.
//
// The verdict says leak when Mann–Kendall's S, its variance inflated by the autocorrelation factor
// f (hamedRao.ts), reaches z(1−α), and the Theil–Sen slope is at least the floor. Under a slope s
// added to noise of robust sd σ, a pair (i, j) rises with probability Φ(s·Δx/(σ√2)), so
//   E[S](s) = Σ_{i<j} (2Φ(s·Δx_ij/(σ√2)) − 1),
// and the test passes with probability POWER when E[S] − 1 ≥ √(f·Var0 S)·(z(1−α) + z(POWER)). Two
// approximations, both on the safe side (they overstate the size needed): Var S under a trend is
// below Var0 S, and autocorrelated noise differs less between close pairs than 2σ² says. Adding s
// to a series shifts every pairwise slope by s, so the Theil–Sen slope is s plus the residuals' own,
// whose spread the interval gives; s must clear the floor by z(POWER) of it too. Checked by
// simulation in detectableLeak.test.ts: the run's residuals, resampled, plus this slope.
import type { DetectableLeak, TrendResult } from '../report/runReportSchema.ts';
import { autocorrelationFactor } from './hamedRao.ts';
import { normalQuantile } from './normalDistribution.ts';
import { reduceToBlockMedians } from './seriesReduction.ts';
import { binomialUpperTail } from './signTest.ts';
import { theilSen } from './theilSen.ts';
import { defaultAlpha, KEPT_BY_A_LEAK, MIN_SAMPLES } from './trend.ts';

/**
 * The probability a leak of the stated size is caught. 99%, not 90%: `--calibrate` plants a leak of
 * this size and fails the run when it is missed, so at 90% one honest run in ten would fail.
 */
export const DETECTION_POWER = 0.99;
/** The trend test's level (trend.ts's default for memory). */
const ALPHA = defaultAlpha('memory');

export interface NoiseOfRun {
  /** robust sd of the residuals (1.4826·MAD), in the series' unit */
  sd: number;
  points: number;
  /** Var(S) inflation for their autocorrelation, ≥ 1 */
  autocorrelationFactor: number;
  /** lag-1 autocorrelation of the residuals (for the eval's noise models) */
  lag1: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The residuals of y around the line y = intercept + slope·(x − x0), and what they say of the noise. */
export function residualNoise(x: number[], r: number[]): NoiseOfRun {
  const n = r.length;
  const mid = median(r);
  const sd = 1.4826 * median(r.map((v) => Math.abs(v - mid)));
  const mean = r.reduce((s, v) => s + v, 0) / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    den += (r[i]! - mean) ** 2;
    if (i > 0) num += (r[i]! - mean) * (r[i - 1]! - mean);
  }
  return { sd, points: n, autocorrelationFactor: n >= 4 ? autocorrelationFactor(x, r, 0) : 1, lag1: den > 0 ? num / den : 0 };
}

/** The judged points (block medians, as the verdict reduces them) on which the trend's line was fitted, and their residuals. */
export function judgedResiduals(x: number[], y: number[], trend: Pick<TrendResult, 'intercept' | 'interceptX' | 'slope'>): { x: number[]; r: number[] } {
  const red = reduceToBlockMedians(x, y);
  const out = { x: [] as number[], r: [] as number[] };
  red.x.forEach((xi, i) => {
    if (xi < trend.interceptX) return;
    out.x.push(xi);
    out.r.push(red.y[i]! - (trend.intercept + trend.slope * (xi - trend.interceptX)));
  });
  return out;
}

/** How many of the sorted values are below t (or, with orEqual, at most t). */
function countBelow(sorted: Float64Array, t: number, orEqual: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t || (orEqual && sorted[mid] === t)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Fewer pairs than this at one lag, and that lag borrows the differences of all lags. */
const MIN_PAIRS_AT_LAG = 20;

/**
 * The differences of this run's own residuals, sorted, per lag: r_(a+k) − r_a and its negative for
 * every a, where there are enough of them; else those of all lags. Per lag, because autocorrelated
 * noise differs less between neighbours than between distant points; from the residuals, because a
 * GC outlier now and then costs what it costs, which a normal model with a robust sd would not see.
 */
function differencesByLag(r: number[]): Float64Array[] {
  const n = r.length;
  const all = new Float64Array(n * (n - 1));
  let m = 0;
  const out: Float64Array[] = [new Float64Array(0)];
  for (let k = 1; k < n; k++) {
    const d = new Float64Array(2 * (n - k));
    for (let a = 0; a + k < n; a++) {
      d[2 * a] = r[a + k]! - r[a]!;
      d[2 * a + 1] = r[a]! - r[a + k]!;
      all[m++] = d[2 * a]!;
      all[m++] = d[2 * a + 1]!;
    }
    out.push(d.sort());
  }
  all.sort();
  for (let k = 1; k < n; k++) if (n - k < MIN_PAIRS_AT_LAG) out[k] = all;
  return out;
}

/** E[S] of Mann–Kendall for slope s: pair (i, j) rises when the noise difference is below s·Δx_ij. */
function expectedS(x: number[], s: number, byLag: Float64Array[]): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const d = byLag[j - i]!;
      const t = s * (x[j]! - x[i]!);
      const lt = countBelow(d, t, false);
      sum += (2 * (lt + (countBelow(d, t, true) - lt) / 2)) / d.length - 1;
    }
  }
  return sum;
}

/** P(X >= k) for X ~ Binomial(m, q), summed in log space. */
function binomialTail(k: number, m: number, q: number): number {
  if (k <= 0) return 1;
  if (k > m || q <= 0) return 0;
  if (q >= 1) return 1;
  let logC = 0;
  let sum = 0;
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(m - i + 1) - Math.log(i);
    if (i >= k) sum += Math.exp(logC + i * Math.log(q) + (m - i) * Math.log1p(-q));
  }
  return Math.min(1, sum);
}

/**
 * The verdict's other road to "leak" (signTest.ts): nearly every step rises, and the rises are
 * kept. With slope s, a step rises when s·Δx beats the noise's step, drawn from this run's own
 * steps; the smallest s that rises often enough with probability `power` and keeps enough of it.
 * Where noise flickers between a few levels, Mann–Kendall's autocorrelation correction cannot
 * reach alpha at any slope and this is the road a leak takes.
 */
function signTestSlope(x: number[], r: number[], power: number, alpha: number, floor: number): number | null {
  const m = r.length - 1;
  let k = m + 1;
  while (k > 0 && binomialUpperTail(k - 1, m) < alpha) k--;
  if (k > m) return null; // even m rises of m cannot reach alpha
  const steps: number[] = [];
  for (let i = 1; i < r.length; i++) steps.push(r[i]! - r[i - 1]!);
  const dx = (x.at(-1)! - x[0]!) / m;
  const enough = (s: number) => {
    const rises = steps.filter((d) => d + s * dx > 0);
    const rose = rises.reduce((sum, d) => sum + d + s * dx, 0);
    const kept = rose > 0 ? (s * dx * m) / rose : 0;
    return kept >= KEPT_BY_A_LEAK && binomialTail(k, m, rises.length / m) >= power;
  };
  const widest = Math.max(...steps.map(Math.abs), floor, 1e-9);
  let hi = (2 * widest) / dx;
  // the run's steps are one draw: a rise rate of m/m says "always", so ask for a margin above the widest step
  if (!enough(hi)) return null;
  let lo = 0;
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (enough(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface DetectableOptions {
  per: 'iteration' | 'hour';
  unit: string;
  /** the smallest slope the check calls a leak at all (the trend floor, or a creep floor above it) */
  floor: number;
  power?: number;
  alpha?: number;
}

/**
 * The smallest slope this run would have flagged with probability `power`, from the residuals of
 * the judged points around their fitted line; null when there are too few points to call anything.
 */
export function detectableLeak(x: number[], r: number[], opts: DetectableOptions): DetectableLeak | null {
  const n = r.length;
  if (n < MIN_SAMPLES.memory) return null;
  const power = opts.power ?? DETECTION_POWER;
  const alpha = opts.alpha ?? ALPHA;
  const noise = residualNoise(x, r);
  const f = noise.autocorrelationFactor;
  const var0 = (n * (n - 1) * (2 * n + 5)) / 18;
  const zPower = normalQuantile(power);
  const needed = 1 + Math.sqrt(f * var0) * (normalQuantile(1 - alpha) + zPower);
  const pairs = (n * (n - 1)) / 2;
  // the test cannot reach alpha at this n and autocorrelation, whatever the slope
  let test: number | null = needed >= pairs ? null : 0;
  if (test !== null) {
    const differences = differencesByLag(r);
    const widest = Math.max(noise.sd, ...differences.map((d) => d.at(-1) ?? 0), 1e-9);
    let hi = widest / ((x.at(-1)! - x[0]!) / n || 1);
    for (let i = 0; i < 60 && expectedS(x, hi, differences) < needed; i++) hi *= 2;
    let lo = 0;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (expectedS(x, mid, differences) >= needed) hi = mid;
      else lo = mid;
    }
    test = hi;
  }
  const bySigns = signTestSlope(x, r, power, alpha, opts.floor);
  if (test === null && bySigns === null) return null;
  const byTrend = Math.min(test ?? Infinity, bySigns ?? Infinity);
  // the spread of the Theil–Sen slope over this noise: its 95% half-width over z(0.975)
  const spread = theilSen(x, r, { confidence: 0.95, varianceFactor: f });
  const se = (spread.high - spread.low) / 2 / normalQuantile(0.975);
  const bySlope = opts.floor + zPower * se;
  const slope = Math.max(byTrend, bySlope, opts.floor);
  return {
    slope,
    unit: opts.unit,
    per: opts.per,
    power,
    alpha,
    floor: opts.floor,
    limitedBy: byTrend >= bySlope ? 'noise' : 'floor',
    noise: { sd: noise.sd, points: n, autocorrelationFactor: f },
  };
}

/** For a check: the detectable slope of the series its trend judged, with that check's floor. */
export function detectableForTrend(x: number[], y: number[], trend: TrendResult, floor: number): DetectableLeak | null {
  const { x: jx, r } = judgedResiduals(x, y, trend);
  return detectableLeak(jx, r, { per: trend.per, unit: trend.unit, floor });
}
