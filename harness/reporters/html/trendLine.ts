// The report carries a trend's slope but not its intercept (analysis reports rates, not lines).
// To draw the fitted line we recover the Theil–Sen companion intercept: the median of y - slope·x
// over the samples the trend used (Sen 1968), which is what a robust fit would have drawn.
import type { SeriesColumns, TrendResult } from '../../report/schema.ts';

const MS_PER_HOUR = 3_600_000;

export interface TrendSegment {
  /** chart x (iteration or ms) and y at both ends of the samples used */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function medianOf(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** x the trend was fitted against: the iteration for per-iteration slopes, hours since start for per-hour ones. */
function fitX(cols: SeriesColumns, i: number, per: TrendResult['per']): number | null {
  return per === 'iteration' ? cols.iteration[i] ?? i : cols.t[i]! / MS_PER_HOUR;
}

/**
 * The fitted line over the samples `trend` used, in the chart's own x (`chartX[i]`).
 * Null when the samples used hold no values (nothing to anchor the line to).
 */
export function trendSegment(trend: TrendResult, cols: SeriesColumns, y: readonly (number | null)[], chartX: readonly number[]): TrendSegment | null {
  const from = Math.max(0, trend.samplesUsed.from);
  const to = Math.min(y.length - 1, trend.samplesUsed.to);
  if (to < from) return null;
  const residuals: number[] = [];
  for (let i = from; i <= to; i++) {
    const v = y[i];
    const x = fitX(cols, i, trend.per);
    if (v === null || v === undefined || x === null) continue;
    residuals.push(v - trend.slope * x);
  }
  if (residuals.length === 0) return null;
  const intercept = medianOf(residuals);
  const xa = fitX(cols, from, trend.per)!;
  const xb = fitX(cols, to, trend.per)!;
  return { x0: chartX[from]!, y0: intercept + trend.slope * xa, x1: chartX[to]!, y1: intercept + trend.slope * xb };
}
