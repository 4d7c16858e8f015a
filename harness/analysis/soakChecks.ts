// Checks that only a soak has: RSS growth per hour as the default leak judgement, p99 latency
// under load, seep's own RSS, and the alert thresholds. Pure: they read what the aggregate kept.
import type { Metric } from '../report/sampleSchema.ts';
import type { Check, CheckId, Headlines, Resource, TrendResult } from '../report/runReportSchema.ts';
import { metricPoints } from '../series/seriesColumns.ts';
import { deceleration, noiseDurationMs, weighSoakWindow, type Deceleration } from './soakWindow.ts';
import { formatElapsed, formatNeeded } from '../scenario/elapsed.ts';
import type { AlertLevel, Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { detectableForTrend } from './detectableLeak.ts';
import { BLOCK_CREEP, hourlyPoints, hourlyTrend, RSS_CREEP_WITH_FLAT_HEAP, runtimeHeap } from './memoryChecks.ts';
import type { AlertTally, Observations, StepErrorTally } from '../observations/observations.ts';
import { defaultFloor, describeTrend } from './trend.ts';

export { formatElapsed };

const HOUR_MS = 3_600_000;

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

/**
 * A soak judges RSS (or a series from Prometheus, remoteChecks.ts) per hour of wall time over the
 * timed samples, not per step. The RSS of a target seep ran is weighed against its window
 * (analysis/soakWindow.ts): a cycle longer than a third of it, a heap after GC still filling, or
 * creep with the heap flat make it inconclusive, with the duration that would decide.
 */
export function hourlyLeakCheck(obs: Observations, of: HourlySeries = RSS): Check | null {
  const pts = hourlyPoints(obs.series.timed, of.metric);
  const raw = hourlyTrend(obs, of.metric, of.kind, of.unit);
  if (!raw || !pts) return null;
  const trend = of === RSS && !obs.remote ? weighRssWindow(obs, raw, pts) : raw;
  const detectable = detectableForTrend(pts.x, pts.y, raw, defaultFloor(of.kind, 'hour'));
  return {
    ...(detectable ? { detectable } : {}),
    id: of.id, resource: of.resource, kind: 'leak', series: of.metric, observed: trend.slope, unit: `${of.unit}/h`,
    pass: trend.verdict !== 'leak', message: describeTrend(of.label, trend), trend,
  };
}

function weighRssWindow(obs: Observations, raw: TrendResult, pts: { x: number[]; y: number[] }): TrendResult {
  const heap = runtimeHeap(obs);
  return weighSoakWindow(raw, {
    timed: { t: pts.x.map((h) => h * HOUR_MS), y: pts.y },
    heap: heap ? { trend: heap.trend, decelerating: heapDeceleration(obs, heap.series) } : null,
    creepPerHour: RSS_CREEP_WITH_FLAT_HEAP * workPerHour(obs),
    warmupMs: baselineT(obs),
  });
}

/** Steps and requests per hour of the measured phase: the units of work a soak's creep floor is counted in. */
function workPerHour(obs: Observations): number {
  if (!(obs.measuredHours > 0)) return 0;
  return (obs.measuredIterations + (obs.load?.measuredRequests ?? 0)) / obs.measuredHours;
}

function baselineT(obs: Observations): number {
  return obs.baselineIndex >= 0 ? obs.series.boundaries.t[obs.baselineIndex] ?? 0 : 0;
}

/**
 * Whether the runtime heap after GC (the series its check judged) grows ever more slowly over the
 * baseline and the measured boundaries, against its floor per step counted per hour.
 */
export function heapDeceleration(obs: Observations, series: Metric): Deceleration | null {
  if (obs.baselineIndex < 0 || !obs.measured) return null;
  const b = obs.series.boundaries;
  const pts = metricPoints(b, series, obs.baselineIndex, obs.measured.to);
  const stepsPerHour = obs.measuredHours > 0 ? obs.measuredIterations / obs.measuredHours : 0;
  const floor = (series === 'heapBlocks' ? BLOCK_CREEP : defaultFloor('memory', 'iteration')) * stepsPerHour;
  return deceleration(pts.index.map((i) => b.t[i]!), pts.y, floor, obs.plannedMeasuredMs);
}

/**
 * leak.heap in a soak: a heap after GC that grows ever more slowly is a cache or pool still filling as
 * far as the window can tell, inconclusive with the duration that would decide, never a leak.
 */
export function soakHeapCheck(c: Check, obs: Observations): Check {
  if (!c.trend || c.trend.verdict === 'bounded' || !c.series) return c;
  const windowMs = obs.measuredHours * HOUR_MS;
  const name = c.series === 'heapBlocks' ? 'allocated blocks' : 'runtime heap';
  const d = heapDeceleration(obs, c.series as Metric);
  if (c.trend.verdict === 'inconclusive' && !d) {
    // the samples that would decide, as a measured duration: a soak's boundaries come on a clock
    const need = noiseDurationMs(c.trend, windowMs);
    if (need === null) return c;
    const trend: TrendResult = { ...c.trend, measureForMs: Math.ceil(need) };
    return { ...c, trend, message: c.message.includes(';') ? c.message : describeTrend(name, trend) };
  }
  // a leak, or too noisy to say, that grows ever more slowly: a filling cache is what it says
  if (!d) return c;
  const trend: TrendResult = {
    ...c.trend,
    verdict: 'inconclusive',
    reason: `it grows ever more slowly (${formatBytes(d.firstPerHour)} per hour over the first half of the window, ${formatBytes(d.secondPerHour)} over the second), a cache or pool still filling as far as ${formatElapsed(windowMs)} can tell: measure at least ${formatNeeded(d.measureForMs)} (a soak of ${formatNeeded(d.measureForMs + baselineT(obs))}) (the trend alone says ${c.trend.reason.replaceAll(':', ' -')})`,
    measureForMs: Math.ceil(d.measureForMs),
  };
  return { ...c, pass: true, trend, message: describeTrend(name, trend) };
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

