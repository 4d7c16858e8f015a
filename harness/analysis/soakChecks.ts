// Checks that only a soak has: RSS growth per hour as the default leak judgement, p99 latency
// under load, seep's own RSS, and the alert thresholds. Pure: they read what the aggregate kept.
import type { Metric } from '../report/sampleSchema.ts';
import type { Check, CheckId, Headlines, Resource } from '../report/runReportSchema.ts';
import type { AlertLevel, Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { detectableForTrend } from './detectableLeak.ts';
import { hourlyPoints, hourlyTrend } from './memoryChecks.ts';
import type { AlertTally, Observations, StepErrorTally } from '../observations/observations.ts';
import { defaultFloor, describeTrend } from './trend.ts';

/** A series judged per hour: which column, the check it makes, and how its sentence names it. */
export interface HourlySeries {
  metric: Metric;
  id: CheckId;
  resource: Resource;
  kind: 'memory' | 'count';
  unit: string;
  label: string;
}

const RSS: HourlySeries = { metric: 'rss', id: 'leak.rss', resource: 'rss', kind: 'memory', unit: 'B', label: 'RSS' };

/** A soak judges RSS (or a series from Prometheus, remoteChecks.ts) per hour of wall time over the timed samples, not per step. */
export function hourlyLeakCheck(obs: Observations, of: HourlySeries = RSS): Check | null {
  const pts = hourlyPoints(obs.series.timed, of.metric);
  const trend = hourlyTrend(obs, of.metric, of.kind, of.unit);
  if (!trend || !pts) return null;
  const detectable = detectableForTrend(pts.x, pts.y, trend, defaultFloor(of.kind, 'hour'));
  return {
    ...(detectable ? { detectable } : {}),
    id: of.id, resource: of.resource, kind: 'leak', series: of.metric, observed: trend.slope, unit: `${of.unit}/h`,
    pass: trend.verdict !== 'leak', message: describeTrend(of.label, trend), trend,
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The headlines with the p99 figures a summary prints beside the check: the median and the worst interval. */
export function latencyHeadline(h: Headlines, p99s: number[]): Headlines {
  if (p99s.length === 0) return h;
  const sorted = [...p99s].sort((a, b) => a - b);
  return { ...h, latencyP99: { median: quantile(sorted, 0.5), worst: sorted.at(-1)! } };
}

/**
 * p99 latency of the measured phase against its budget. The load generator reports a p99 per
 * interval; the check takes the 95th percentile of those, so one slow interval (a GC pause on a
 * shared machine) does not fail a week, while a p99 that crept up over the last 5% of the run does.
 */
export function latencyCheck({ written: limit, value: max }: Limit<'ms'>, p99s: number[], errors: number, requests: number): Check | null {
  if (p99s.length === 0) return null;
  const sorted = [...p99s].sort((a, b) => a - b);
  const observed = quantile(sorted, 0.95);
  const over = p99s.filter((v) => v > max).length;
  return {
    id: 'budget.latencyP99', resource: 'latency', kind: 'budget', limit, limitValue: max, observed, unit: 'ms', series: 'latencyP99', limitLine: max,
    pass: observed <= max,
    message: `p99 latency ${observed.toFixed(1)} ms in 95% of ${p99s.length} load intervals (median ${quantile(sorted, 0.5).toFixed(1)} ms, worst ${sorted.at(-1)!.toFixed(1)} ms; ${over} above ${max} ms); ${requests} requests, ${errors} errors (budget ${limit})`,
  };
}

export function seepRssCheck({ written: limit, value: max }: Limit<'B'>, peak: number | null): Check | null {
  if (peak === null) return null;
  return {
    id: 'budget.seepRss', resource: 'seep', kind: 'budget', limit, limitValue: max, observed: peak, unit: 'B', series: 'seepRss', limitLine: max,
    pass: peak <= max, message: `seep's own RSS peaked at ${formatBytes(peak)} (budget ${formatBytes(max)})`,
  };
}

/** Steps that threw during a soak (the soak went on past them) against the budget, 0 by default. */
export function stepErrorsCheck({ max, written }: { max: number; written: boolean }, tally: StepErrorTally, steps: number | null): Check {
  const of = steps === null ? '' : ` of ${steps}`;
  const shown = [...tally.first, ...(tally.last && tally.count > tally.first.length ? [tally.last] : [])];
  const examples = shown.map((e) => `at ${formatElapsed(e.t)}: ${e.message}`).join('; ');
  return {
    id: 'budget.stepErrors', resource: 'steps', kind: 'budget', limit: String(max), limitValue: max, observed: tally.count, unit: 'steps',
    pass: tally.count <= max,
    message: tally.count === 0
      ? `no step threw${of ? ` (${steps} steps)` : ''}`
      : `${tally.count}${of} steps threw (budget ${max}${written ? '' : ', the default'}); ${examples}`,
  };
}

/** A warning is told, never failed; a critical crossing fails the run. */
export function alertChecks(levels: AlertLevel[], tally: Record<'warning' | 'critical', AlertTally>, peakRss: number | null): Check[] {
  const out: Check[] = [];
  for (const { level, limit: { written, value: limit } } of levels) {
    const a = tally[level];
    const peak = peakRss === null ? '' : `; RSS peaked at ${formatBytes(peakRss)}`;
    out.push({
      id: `alert.rss.${level}`, resource: 'rss', kind: 'budget', limit: written, limitValue: limit, observed: peakRss ?? 0, unit: 'B', series: 'rss', limitLine: limit,
      pass: level === 'warning' || a.count === 0,
      message: a.count === 0
        ? `RSS stayed below the ${level} threshold ${formatBytes(limit)}${peak}`
        : `RSS crossed the ${level} threshold ${formatBytes(limit)} ${a.count} time(s), first at ${formatElapsed(a.firstT ?? 0)}${peak}`,
    });
  }
  return out;
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d ? `${d}d` : '', h ? `${h}h` : '', m ? `${m}m` : '', `${s % 60}s`].filter(Boolean);
  return parts.slice(0, 2).join('');
}
