// What is judged of a target seen only through Prometheus. A series (one replica's, one life of it,
// or the replicas' sum) is judged as a soak judges RSS: per hour of its points by the soak's trend
// and plateau rules (soakChecks.ts hourlyLeakCheck), with the budgets that read a level or a slope
// per hour, and when it would reach its limit. A scraped series has no steps, no baseline and no
// settle: the budgets that need them say so. The service a scenario drove has one check for its
// replicas, each judged apart. Pure.
import type { Check, RemoteMetric } from '../report/runReportSchema.ts';
import type { BudgetPlan } from '../scenario/runPlan.ts';
import { COUNTED_RESOURCES } from '../scenario/runPlan.ts';
import { fileChecks, orphanCheck, outputChecks } from './leftoverChecks.ts';
import { warningCheck } from './warningCheck.ts';
import { memoryBudgetChecks, notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { hourlyLeakCheck, type HourlySeries } from './soakChecks.ts';
import { withTimeToLimit, type KnownLimit } from './timeToLimit.ts';
import { MIN_SAMPLES } from './trend.ts';

export const REMOTE_SERIES: Record<RemoteMetric, HourlySeries> = {
  rss: { metric: 'rss', id: 'leak.rss', resource: 'rss', kind: 'memory', unit: 'B', label: 'memory' },
  heapUsed: { metric: 'heapUsed', id: 'leak.heap', resource: 'heap', kind: 'memory', unit: 'B', label: 'runtime heap' },
  fds: { metric: 'fds', id: 'leak.fds', resource: 'fds', kind: 'count', unit: 'fds', label: 'open fds' },
};

const NO_STEPS = 'a series from Prometheus has no steps, baseline or settle: budget it per hour (rssSlope) or by its level (peakRss, a count)';

function pointsOf(obs: Observations, of: HourlySeries): number {
  let n = 0;
  const t = obs.series.timed;
  for (let i = 0; i < t.t.length; i++) if (t.phase[i] === 'measured' && t.values[of.metric][i] != null) n++;
  return n;
}

/** Whether a budget the scenario wrote replaces the series' default leak check, as buildChecks.ts decides it. */
function budgeted(metric: RemoteMetric, b: BudgetPlan): boolean {
  if (metric === 'rss') return [b.rssGrowth, b.rssPerIteration, b.rssSlope, b.peakRss].some((x) => x !== undefined);
  if (metric === 'heapUsed') return b.heapGrowth !== undefined;
  return b.counts.fds !== undefined;
}

/** The counted budgets: a whole number is a level the series' peak must stay under; 'baseline+N' needs a settle it has not. */
function countChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  const out: Check[] = [];
  for (const resource of COUNTED_RESOURCES) {
    const limit = budgets.counts[resource];
    if (!limit) continue;
    const values = resource === 'fds' ? obs.series.timed.values.fds.filter((v): v is number => v !== null) : [];
    if (limit.kind !== 'absolute' || values.length === 0) {
      out.push(notMeasured(`budget.${resource}`, resource, { written: limit.written }, resource, limit.kind === 'absolute' ? `no ${resource} series was read from Prometheus` : NO_STEPS));
      continue;
    }
    let peak = values[0]!;
    for (const v of values) if (v > peak) peak = v;
    out.push({
      id: `budget.${resource}`, resource, kind: 'budget', limit: limit.written, limitValue: limit.max, observed: peak, unit: resource, series: 'fds', limitLine: limit.max,
      pass: peak <= limit.max, message: `${resource} peaked at ${peak} (budget ${limit.max})`,
    });
  }
  return out;
}

/** One series from Prometheus: its leak check per hour (unless a budget replaces it), its budgets, its time to limit. */
export function remoteSeriesChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  const remote = obs.remote!;
  const of = { ...REMOTE_SERIES[remote.metric], ...(remote.sum ? { label: `the replicas' summed ${REMOTE_SERIES[remote.metric].label}` } : {}) };
  const out: Check[] = [];
  if (!budgeted(remote.metric, budgets)) {
    const n = pointsOf(obs, of);
    out.push(hourlyLeakCheck(obs, of) ?? {
      id: of.id, resource: of.resource, kind: 'leak', series: of.metric, observed: 0, unit: `${of.unit}/h`, pass: true, measured: false,
      message: `not measured: ${n} point${n === 1 ? '' : 's'} in the range: too few to judge (at least ${MIN_SAMPLES[of.kind]})`,
    });
  }
  const { rssGrowth, rssPerIteration, heapGrowth, ...levels } = budgets;
  out.push(...memoryBudgetChecks(obs, levels));
  if (rssGrowth) out.push(notMeasured('budget.rssGrowth', 'rss', rssGrowth, 'B', NO_STEPS));
  if (rssPerIteration) out.push(notMeasured('budget.rssPerIteration', 'rss', rssPerIteration, 'B', NO_STEPS));
  if (heapGrowth) out.push(notMeasured('budget.heapGrowth', 'heap', heapGrowth, 'B', NO_STEPS));
  out.push(...countChecks(obs, budgets));
  const limits: KnownLimit[] = [];
  if (remote.limit) limits.push({ name: `limit (${remote.limit.from})`, written: remote.limit.written, value: remote.limit.value });
  if (budgets.peakRss && remote.metric === 'rss') limits.push({ name: 'peakRss budget', written: budgets.peakRss.written, value: budgets.peakRss.value });
  return out.map((c) => {
    if (c.series !== of.metric || !c.trend) return c;
    const drawn = remote.limit && c.limitLine === undefined ? { ...c, limitLine: remote.limit.value } : c;
    return limits.length > 0 ? withTimeToLimit(drawn, limits) : drawn;
  });
}

/** The replicas of a deployed service the scenario drove, each judged apart (report.replicas): one check for them all. */
export function replicasCheck(obs: Observations): Check {
  const remote = obs.remote!;
  const of = REMOTE_SERIES[remote.metric];
  const replicas = obs.replicas ?? [];
  const failing = replicas.filter((r) => r.verdict !== 'pass');
  const base = { id: 'replicas' as const, resource: of.resource, kind: 'leak' as const, series: of.metric, observed: failing.length, unit: 'series', limitValue: 0 };
  if (replicas.length === 0) return { ...base, pass: true, measured: false, message: `not measured: no series of ${remote.query} was read from Prometheus at ${remote.prometheus}` };
  const named = failing.map((r) => `${r.name} ${r.verdict === 'error' ? 'could not be judged' : 'fails'}: ${r.failures.join('; ')}`);
  return {
    ...base,
    pass: failing.length === 0,
    message: failing.length === 0
      ? `${replicas.length} series from Prometheus judged apart (${remote.query}), each passes`
      : `${failing.length} of ${replicas.length} series from Prometheus fail: ${named.join(' | ')}`,
  };
}

/** The service a scenario drove at its URL: its replicas' check, and what still applies to a process seep did not start. */
export function drivenServiceChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  const warnings = warningCheck(obs);
  return [replicasCheck(obs), orphanCheck(obs, budgets.orphans), ...(warnings ? [warnings] : []), ...outputChecks(obs, budgets), ...fileChecks(obs, budgets)];
}

