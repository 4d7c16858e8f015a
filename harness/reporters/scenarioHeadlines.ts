// The few facts every summary leads with (Markdown table, terminal lines): the worst check, how
// much RSS grew, and the fitted RSS slope; for a soak, latency, recycled workers and alerts.
// Derived from the report only.
import type { Check, Report, ScenarioReport, Verdict } from '../report/schema.ts';
import { formatDuration, formatSigned, formatValue } from './formatValue.ts';

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

/** p99 latency under load: the budget check's number against its limit, else the median and worst interval. */
export function latencyP99(s: ScenarioReport): string | null {
  const p99 = s.series.load?.latencyP99 ?? [];
  let worst: number | null = null;
  for (const v of p99) if (worst === null || v > worst) worst = v;
  const worstText = worst === null ? '' : `worst interval ${formatValue(worst, 'ms')}`;
  const check = s.checks.find((c) => c.id === 'budget.latencyP99');
  if (check) {
    const limit = check.limit ?? (check.limitValue === undefined ? '' : formatValue(check.limitValue, check.unit));
    return `${formatValue(check.observed, check.unit)}${limit ? ` ${check.pass ? '≤' : '>'} ${limit}` : ''}${worstText ? ` (${worstText})` : ''}`;
  }
  if (worst === null) return null;
  const sorted = [...p99].sort((a, b) => a - b);
  return `median ${formatValue(sorted[sorted.length >> 1]!, 'ms')}, ${worstText}`;
}

/** Recycled workers and the largest peak one reached: where a pre-fork server's worker leak shows. */
export function recycledWorkers(s: ScenarioReport): { count: number; maxPeak: number; pid: number } | null {
  const recycled = (s.processes ?? []).filter((p) => p.end === 'recycled');
  if (recycled.length === 0) return null;
  const top = recycled.reduce((a, b) => (b.peakRss > a.peakRss ? b : a));
  return { count: recycled.length, maxPeak: top.peakRss, pid: top.pid };
}

/** "2 warning, 1 critical; last at 5h 24m: RSS ... crossed ..." from the alerts the report kept. */
export function alertSummary(s: ScenarioReport): string | null {
  const alerts = s.alerts ?? [];
  if (alerts.length === 0) return null;
  const count = (level: string) => alerts.filter((a) => a.level === level).length;
  const levels = [`${count('warning')} warning`, `${count('critical')} critical`].filter((x) => !x.startsWith('0 ')).join(', ');
  const last = alerts.at(-1)!;
  return `${levels}; last at ${formatDuration(last.t)}: ${last.message}`;
}
