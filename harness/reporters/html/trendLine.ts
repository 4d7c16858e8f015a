// The fitted trend line as the analysis fitted it (TrendResult.intercept at interceptX, slope, to
// endX), moved into the chart's x: iterations stay iterations, per-hour fits are in hours since the
// scenario started and the time axis is in ms.
import type { TrendResult } from '../../report/runReportSchema.ts';

const MS_PER_HOUR = 3_600_000;

export interface TrendSegment {
  /** chart x (iteration or ms) and y at both ends of the fitted samples */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export function trendSegment(trend: TrendResult): TrendSegment {
  const chartX = (x: number) => (trend.per === 'hour' ? x * MS_PER_HOUR : x);
  return {
    x0: chartX(trend.interceptX),
    y0: trend.intercept,
    x1: chartX(trend.endX),
    y1: trend.intercept + trend.slope * (trend.endX - trend.interceptX),
  };
}
