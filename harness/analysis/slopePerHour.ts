// Rate budgets ('5MB/h') use the same estimator as the leak verdict, with x in hours of wall
// time instead of iterations. Budgets compare the returned slope (or its interval) to the limit.
import type { TrendResult } from '../report/schema.ts';
import { analyzeTrend, type TrendInput, type TrendOptions } from './trend.ts';

export const MS_PER_HOUR = 3_600_000;

export interface PerHourInput {
  /** ms since the scenario started, one per value */
  t: number[];
  y: number[];
  kind?: TrendInput['kind'];
  unit?: string;
  series?: TrendInput['series'];
  offset?: number;
}

export function slopePerHour(input: PerHourInput, opts?: TrendOptions): TrendResult {
  return analyzeTrend(
    {
      y: input.y,
      x: input.t.map((ms) => ms / MS_PER_HOUR),
      kind: input.kind ?? 'memory',
      per: 'hour',
      unit: input.unit ?? 'B',
      series: input.series ?? 'timed',
      offset: input.offset,
    },
    opts,
  );
}
