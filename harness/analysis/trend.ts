// The growth verdict for one resource series: leak, bounded or inconclusive, with a robust
// slope and its interval. Every series the runner measures goes through analyzeTrend.
//
// The decision, in order:
//  1. fewer than MIN_SAMPLES points: inconclusive (too few iterations).
//  2. the series rose clearly and then stopped (plateau.ts): bounded, with the plateau point.
//  3. Mann–Kendall, with Var(S) corrected for autocorrelation (hamedRao.ts), says "rising" at
//     level alpha and the Theil–Sen slope is positive: leak, unless the slope is below the floor
//     worth reporting (bounded).
//  4. not rising, but the interval still allows a slope above the floor: inconclusive (too
//     noisy), with an estimate of how many more iterations would decide it.
//  5. else: bounded.
import type { TrendResult } from '../report/schema.ts';
import { autocorrelationFactor } from './hamedRao.ts';
import { mannKendall } from './mannKendall.ts';
import { normalQuantile } from './normalDistribution.ts';
import { findPlateau } from './plateau.ts';
import { reduceToBlockMedians } from './seriesReduction.ts';
import { theilSen } from './theilSen.ts';

export interface TrendInput {
  /** the series values, warmup already discarded */
  y: number[];
  /** iteration numbers or hours of wall time; default 0..n-1 */
  x?: number[];
  /** memory: noisy, GC sawtooth; count: integers with no GC noise (fds, sockets, threads, children) */
  kind: 'memory' | 'count';
  per: 'iteration' | 'hour';
  /** 'B', 'sockets', ... */
  unit: string;
  series: 'boundaries' | 'timed';
  /** index of y[0] in the full series (for samplesUsed) */
  offset?: number;
}

export interface TrendOptions {
  /** confidence level of the slope interval; default 0.95 */
  confidence?: number;
  /** one-sided level of the trend test; default 0.001, so a clean run is called a leak at most 1 time in 1000 */
  alpha?: number;
  /** smallest slope worth calling a leak, in unit per `per`; defaults in defaultFloor() */
  minSlope?: number;
}

/** Fewer points than this cannot reach p < 0.001 even for a perfectly steady rise (7 points give p = 0.0013). */
export const MIN_SAMPLES: Record<TrendInput['kind'], number> = { memory: 10, count: 8 };

/**
 * Growth too small to call a leak when no budget says otherwise. RSS moves in pages and
 * allocator chunks, so below ~1 KB per iteration 50 iterations cannot tell a leak from the
 * allocator settling; per hour, soak gates in the wild alert at 8–10 MB/h, so 1 MB/h is well
 * inside them. Counts: one object per 50 iterations.
 */
export function defaultFloor(kind: TrendInput['kind'], per: TrendInput['per']): number {
  if (kind === 'memory') return per === 'iteration' ? 1024 : 1e6;
  return per === 'iteration' ? 0.02 : 1;
}

function formatP(p: number): string {
  if (p < 0.001) return 'p<0.001';
  return `p=${p.toFixed(3)}`;
}

/**
 * How many more samples until the question is settled, assuming the noise stays as it is: the
 * interval's half-width shrinks as n^(-3/2). Settled means either the test reaches alpha (the
 * one-sided half-width falls below the slope) or the 95% upper bound falls below the floor.
 * The slope is planned at its estimate shrunk by half the half-width, since an estimate that
 * failed the test is more likely too high than too low.
 */
function moreSamplesToDecide(n: number, fit: { slope: number; low: number; high: number; confidence: number }, floor: number, alpha: number): number {
  const halfWidth = (fit.high - fit.low) / 2;
  const planned = fit.slope - halfWidth / 2;
  let ratio: number;
  if (planned > floor) {
    const zRatio = normalQuantile(1 - alpha) / normalQuantile(1 - (1 - fit.confidence) / 2);
    ratio = (halfWidth * zRatio) / planned;
  } else {
    ratio = halfWidth / Math.max(floor - Math.max(planned, 0), floor / 2);
  }
  const needed = Math.min(1e6, Math.ceil(n * Math.pow(Math.max(ratio, 1), 2 / 3)));
  return Math.max(1, needed - n);
}

export function analyzeTrend(input: TrendInput, opts: TrendOptions = {}): TrendResult {
  const confidence = opts.confidence ?? 0.95;
  const alpha = opts.alpha ?? 0.001;
  const floor = opts.minSlope ?? defaultFloor(input.kind, input.per);
  const n = input.y.length;
  const x = input.x ?? input.y.map((_, i) => i);
  if (x.length !== n) throw new RangeError(`analyzeTrend: x has ${x.length} values, y has ${n}`);
  const bad = input.y.findIndex((v, i) => !Number.isFinite(v) || !Number.isFinite(x[i]!));
  if (bad >= 0) throw new RangeError(`analyzeTrend: sample ${bad} is not a finite number (x=${x[bad]}, y=${input.y[bad]})`);
  const offset = input.offset ?? 0;
  const base = {
    confidence,
    unit: input.unit,
    per: input.per,
    samplesUsed: { series: input.series, from: offset, to: offset + n - 1, count: n },
  };

  const minN = MIN_SAMPLES[input.kind];
  if (n < minN) {
    const fit = n >= 2 && new Set(x).size >= 2 ? theilSen(x, input.y, { confidence }) : null;
    return {
      ...base,
      verdict: 'inconclusive',
      reason: `too few samples: ${n}, need at least ${minN}`,
      slope: fit?.slope ?? 0,
      low: fit?.low ?? 0,
      high: fit?.high ?? 0,
      plateauAt: null,
      moreIterationsNeeded: minN - n,
    };
  }

  const r = reduceToBlockMedians(x, input.y);
  const factor = autocorrelationFactor(r.x, r.y, theilSen(r.x, r.y).slope);
  const fit = theilSen(r.x, r.y, { confidence, varianceFactor: factor });
  const mk = mannKendall(r.y, factor);
  const test = `Mann–Kendall ${formatP(mk.pIncrease)}${factor > 1 ? ` (autocorrelation-corrected, n/n*=${factor.toFixed(2)})` : ''}`;
  const reduced = r.y.length < n ? `, ${n} samples as ${r.y.length} block medians` : '';
  const result = { ...base, slope: fit.slope, low: fit.low, high: fit.high, pValue: mk.pIncrease };

  // Asked first: a cache that fills then flattens may or may not pass the whole-series test
  // (its detrended residuals are strongly autocorrelated), but either way it is bounded.
  const plateau = findPlateau(r.x, r.y, { kind: input.kind });
  if (plateau) {
    const at = r.start[plateau.at]!;
    return {
      ...result,
      verdict: 'bounded',
      reason: `rose then plateaued from sample ${at + offset}: tail slope at most ${plateau.tailHigh.toPrecision(3)} against ${plateau.headSlope.toPrecision(3)} before (${test}${reduced})`,
      plateauAt: at,
    };
  }
  if (mk.pIncrease < alpha && fit.slope > 0) {
    if (fit.slope < floor) {
      return {
        ...result,
        verdict: 'bounded',
        reason: `rising (${test}) but below the ${floor} ${input.unit}/${input.per} floor worth calling a leak${reduced}`,
        plateauAt: null,
      };
    }
    return { ...result, verdict: 'leak', reason: `no plateau, ${test}${reduced}`, plateauAt: null };
  }

  if (fit.high > floor) {
    const more = moreSamplesToDecide(n, fit, floor, alpha);
    return {
      ...result,
      verdict: 'inconclusive',
      reason: `too noisy: no significant rise (${test}) but the slope could be up to ${fit.high.toPrecision(3)} ${input.unit}/${input.per}; about ${more} more samples would decide${reduced}`,
      plateauAt: null,
      moreIterationsNeeded: more,
    };
  }
  return { ...result, verdict: 'bounded', reason: `no significant rise (${test})${reduced}`, plateauAt: null };
}

// The runner's checks import the sentence from here alongside the verdict.
export { describeTrend } from './describeTrend.ts';
