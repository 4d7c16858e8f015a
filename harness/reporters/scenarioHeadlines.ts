// The few facts every summary leads with (Markdown table, terminal lines): the worst check, how
// much RSS grew, and the fitted RSS slope. Derived from the report only.
import type { Check, Report, ScenarioReport, Verdict } from '../report/schema.ts';
import { formatSigned, formatValue } from './formatValue.ts';

/** How far past (or how close to) its limit a check is: observed / limit, when both are numbers. */
function ratio(c: Check): number {
  if (c.limitValue === undefined) return c.pass ? 0 : 1;
  // a zero limit (no forbidden lines, no orphans): count each unit over it as one limit's worth
  if (c.limitValue === 0) return c.observed + 1;
  return c.observed / c.limitValue;
}

/** The failed check furthest past its limit; with none failed, the passing check closest to its limit. */
export function worstCheck(s: ScenarioReport): Check | null {
  const failed = s.checks.filter((c) => !c.pass);
  const pool = failed.length ? failed : s.checks;
  let worst: Check | null = null;
  for (const c of pool) if (worst === null || ratio(c) > ratio(worst)) worst = c;
  return worst;
}

export function describeCheck(c: Check): string {
  const limit = c.limit ?? (c.limitValue === undefined ? undefined : formatValue(c.limitValue, c.unit));
  return `${c.id}: ${formatValue(c.observed, c.unit)}${limit === undefined ? '' : ` (limit ${limit})`}`;
}

/** RSS growth over the measured iterations: the rssGrowth check's number, else last minus first measured boundary. */
export function rssGrowth(s: ScenarioReport): number | null {
  const check = s.checks.find((c) => c.id === 'budget.rssGrowth');
  if (check) return check.observed;
  const b = s.series.boundaries;
  let first: number | null = null;
  let last: number | null = null;
  b.values.rss.forEach((v, i) => {
    if (v === null || b.phase[i] !== 'measured') return;
    first ??= v;
    last = v;
  });
  return first === null || last === null ? null : last - first;
}

export function rssSlope(s: ScenarioReport): string | null {
  const trend = s.checks.find((c) => c.resource === 'rss' && c.trend)?.trend;
  if (!trend) return null;
  return `${formatSigned(trend.slope, `${trend.unit}/${trend.per}`)} (${trend.verdict})`;
}

/** The run's verdict: error if any scenario errored, fail if any failed, else from the exit code. */
export function runVerdict(report: Report): Verdict {
  if (report.scenarios.some((s) => s.verdict === 'error')) return 'error';
  if (report.scenarios.some((s) => s.verdict === 'fail')) return 'fail';
  return report.exitCode === 0 ? 'pass' : report.exitCode === 2 ? 'error' : 'fail';
}
