// Counted resources (fds, sockets, threads, children, handles) share one shape of check: after the settle
// period the count must be back to its post-warmup baseline (plus any allowance), judged on the
// last of the retried reads the runner took, and the leftovers named by identity.
import type { Metric } from '../report/sampleSchema.ts';
import type { Check, CountedResource, Leftover, Resource, TrendResult } from '../report/runReportSchema.ts';
import { analyzeTrend, describeTrend } from './trend.ts';
import { judgeBaseline } from './baseline.ts';
import type { Observations } from '../observations/observations.ts';
import { metricPoints } from '../series/seriesColumns.ts';
import { boundaryPoints } from './memoryChecks.ts';

export interface CountedSpec {
  resource: CountedResource;
  metric: Metric;
  unit: string;
}

export const COUNTED: CountedSpec[] = [
  { resource: 'fds', metric: 'fds', unit: 'fds' },
  { resource: 'sockets', metric: 'sockets', unit: 'sockets' },
  { resource: 'threads', metric: 'threads', unit: 'threads' },
  { resource: 'children', metric: 'children', unit: 'processes' },
  { resource: 'handles', metric: 'handles', unit: 'handles' },
];

function leftoversFor(resource: Resource, obs: Observations): Leftover[] {
  if (resource === 'sockets') return obs.newSinceBaseline.sockets;
  if (resource === 'fds') return obs.newSinceBaseline.fds;
  if (resource === 'children') return obs.newSinceBaseline.processes;
  if (resource === 'handles') return obs.newSinceBaseline.handles ?? [];
  return [];
}

/** How the count moved over the baseline and the measured iterations, per iteration. */
export function countTrend(obs: Observations, c: CountedSpec): TrendResult | null {
  if (!obs.measured) return null;
  const p = boundaryPoints(obs.series.boundaries, c.metric, obs.baselineIndex, obs.measured.to);
  if (!p) return null;
  return analyzeTrend({ y: p.y, x: p.x, kind: 'count', per: 'iteration', unit: c.unit, series: 'boundaries', offset: p.offset });
}

/** Back to baseline after settle: `plus` extra allowed. Null when there is nothing to compare. */
export function baselineCheck(
  obs: Observations,
  c: CountedSpec,
  opts: { kind: 'budget' | 'leak'; plus: number; limit?: string },
): Check | null {
  const b = obs.series.boundaries;
  const base = obs.baselineIndex >= 0 ? b.values[c.metric][obs.baselineIndex] : null;
  if (base === null || base === undefined || !obs.settle) return null;
  const reads = metricPoints(b, c.metric, obs.settle.from, obs.settle.to).y;
  if (reads.length === 0) return null;
  const j = judgeBaseline(base, reads, opts.plus);
  const allowance = opts.plus > 0 ? ` + ${opts.plus}` : '';
  const leftovers = leftoversFor(c.resource, obs);
  // handles have no identity to name, only a type: the types that grew say what was left open
  const byType = c.resource === 'handles' && leftovers.length > 0 ? `: ${leftovers.map((l) => `${l.id} ${l.detail}`).join(', ')}` : '';
  const message = j.pass
    ? `${c.resource} back to baseline: ${j.observed} after settle (baseline ${base}${allowance})`
    : `${c.resource} not back to baseline: ${j.observed} after settle, baseline ${base}${allowance} (${j.excess} left over${byType})`;
  const check: Check = {
    id: `${opts.kind}.${c.resource}`,
    resource: c.resource,
    kind: opts.kind,
    limitValue: base + opts.plus,
    baselineValue: base,
    series: c.metric,
    limitLine: base + opts.plus,
    observed: j.observed,
    unit: c.unit,
    pass: j.pass,
    message,
    rule: 'baseline',
  };
  if (opts.limit !== undefined) check.limit = opts.limit;
  const trend = countTrend(obs, c);
  if (trend) {
    check.trend = trend;
    if (!j.pass) check.message += `; ${describeTrend(c.resource, trend)}`;
  }
  if (!j.pass && leftovers.length > 0) check.leftovers = leftovers.slice(0, 50);
  return check;
}

/** An absolute bound: the most seen at any measured or settle boundary must not exceed `max`. */
export function absoluteCountCheck(obs: Observations, c: CountedSpec, max: number, limit: string): Check | null {
  if (!obs.measured) return null;
  const to = obs.settle?.to ?? obs.measured.to;
  const ys = metricPoints(obs.series.boundaries, c.metric, obs.measured.from, to).y;
  if (ys.length === 0) return null;
  const peak = Math.max(...ys);
  return {
    id: `budget.${c.resource}`,
    resource: c.resource,
    kind: 'budget',
    limit,
    limitValue: max,
    observed: peak,
    unit: c.unit,
    series: c.metric,
    limitLine: max,
    pass: peak <= max,
    message: `${c.resource} peaked at ${peak} (budget ${max})`,
  };
}
