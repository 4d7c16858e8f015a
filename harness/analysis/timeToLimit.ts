// When a leaking memory series reaches a limit the run knows of (a peakRss budget, an alert level,
// later a cgroup memoryLimit), at the rate measured, with the interval that rate's confidence
// interval gives: "reaches the 512 MB peakRss budget in 31h (26h-38h)". Pure.
import type { Check, TimeToLimit, TrendResult } from '../report/runReportSchema.ts';

export interface KnownLimit {
  /** what the limit is, for the sentence: 'peakRss budget', 'critical alert' */
  name: string;
  written: string;
  value: number;
}

/** The fitted line's value where it ends: where the series stands now, outliers aside. */
function levelAtEnd(t: TrendResult): number {
  return t.intercept + t.slope * (t.endX - t.interceptX);
}

/**
 * When the nearest limit is reached from where the series stands; null unless it leaks: its trend
 * says so, or (`failed`) a slope budget it broke does, however noisy the trend test found it.
 */
export function timeToLimit(trend: TrendResult | undefined, limits: KnownLimit[], failed = false): TimeToLimit | null {
  if (!trend || (trend.verdict !== 'leak' && !failed) || !(trend.slope > 0)) return null;
  const level = levelAtEnd(trend);
  let best: TimeToLimit | null = null;
  for (const l of limits) {
    const room = Math.max(0, l.value - level);
    const estimate = room / trend.slope;
    if (best && estimate >= best.estimate) continue;
    best = {
      limit: l.written, limitName: l.name, limitValue: l.value, level, per: trend.per, estimate,
      low: trend.high > 0 ? room / trend.high : estimate,
      high: trend.low > 0 ? room / trend.low : null,
    };
  }
  return best;
}

function span(x: number, per: 'hour' | 'iteration'): string {
  if (per === 'iteration') return `${Math.round(x).toLocaleString('en-US')} iterations`;
  if (x < 1) return `${Math.max(1, Math.round(x * 60))} min`;
  if (x < 48) return `${x < 10 ? x.toFixed(1).replace(/\.0$/, '') : Math.round(x)} h`;
  return `${(x / 24).toFixed(1).replace(/\.0$/, '')} days`;
}

export function describeTimeToLimit(t: TimeToLimit): string {
  const what = `the ${t.limit} ${t.limitName}`;
  if (t.estimate === 0) return `already at ${what}`;
  const bound = (x: number | null) => (x === null ? 'never, within the interval' : t.per === 'iteration' ? Math.round(x).toLocaleString('en-US') : span(x, t.per));
  const bounds = `${bound(t.low)}–${bound(t.high)}`;
  return `at this rate reaches ${what} in ${span(t.estimate, t.per)} (${bounds})`;
}

/** The check with its projection added, when its series leaks (or it failed) and a limit is known. */
export function withTimeToLimit(check: Check, limits: KnownLimit[]): Check {
  const t = timeToLimit(check.trend, limits, !check.pass);
  if (!t) return check;
  return { ...check, timeToLimit: t, message: `${check.message}; ${describeTimeToLimit(t)}` };
}
