// The judge: observations of one run and its plan's budgets in, every check out. Pure: no I/O, no
// clock. Counted runs and soaks are judged here alike; what differs is only what the run observed
// (a soak judges RSS per hour, a counted run per step), and a budget the run gave no data for says
// so ("not measured") instead of vanishing.
import type { Check } from '../report/runReportSchema.ts';
import type { AlertLevel, BudgetPlan } from '../scenario/runPlan.ts';
import { buildChecks } from './buildChecks.ts';
import { heapTypesCheck, type HeapShows } from './typeTrends.ts';
import { runSuspects } from './rankSuspects.ts';
import { iterationTrend, notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { memoryLimitCheck } from './memoryLimitCheck.ts';
import { withTimeToLimit, type KnownLimit } from './timeToLimit.ts';
import { regressionChecks } from './regressionChecks.ts';
import { drivenServiceChecks, remoteSeriesChecks } from './remoteChecks.ts';
import { runFigures } from './runFigures.ts';
import { loadChecks, type AskedLoad } from './loadChecks.ts';
import { stepTimeCheck } from './stepTime.ts';
import { alertChecks, hourlyLeakCheck, latencyCheck, seepRssCheck, soakHeapCheck, stepErrorsCheck } from './soakChecks.ts';

const NO_ALERTS = { warning: { count: 0, firstT: null }, critical: { count: 0, firstT: null } };

export function judge(obs: Observations, budgets: BudgetPlan, alerts: AlertLevel[]): Check[] {
  // a series from Prometheus has only itself to judge; the service a scenario drove, its replicas
  if (obs.remote?.labels || obs.remote?.sum) return remoteSeriesChecks(obs, budgets);
  const soak = obs.measure === 'time';
  const out = obs.remote ? drivenServiceChecks(obs, budgets) : buildChecks(obs, budgets);
  if (soak) {
    const i = out.findIndex((c) => c.id === 'leak.rss');
    const hourly = i >= 0 ? hourlyLeakCheck(obs) : null;
    if (hourly) out[i] = hourly;
    const h = out.findIndex((c) => c.id === 'leak.heap');
    if (h >= 0) out[h] = soakHeapCheck(out[h]!, obs);
  }
  const types = heapTypesCheck(runSuspects(obs), obs.typeGrowth, { soak, heap: heapShows(obs, out.find((c) => c.id === 'leak.heap')) });
  if (types) out.push(types);
  if (soak) out.push(...loadChecks(obs.load?.measured, askedLoad(obs)));
  if (budgets.memoryLimit) out.push(memoryLimitCheck(obs, budgets.memoryLimit));
  const limits = knownRssLimits(budgets, alerts);
  const rss = out.findIndex((c) => c.id === 'leak.rss' || c.id === 'budget.rssSlope' || c.id === 'budget.rssPerIteration');
  if (rss >= 0 && limits.length > 0) out[rss] = withTimeToLimit(out[rss]!, limits);
  if (budgets.latencyP99) {
    const judged = obs.load ? latencyCheck(budgets.latencyP99, obs.load.p99s, obs.load.errors, obs.load.requests) : null;
    out.push(judged ?? notMeasured('budget.latencyP99', 'latency', budgets.latencyP99, 'ms', obs.load
      ? 'no load interval ended in the measured phase'
      : 'no load ran: load phases run in soaks (a duration), not in counted runs such as --iterations'));
  }
  if (budgets.stepTime) out.push(stepTimeCheck(obs, budgets.stepTime));
  // a soak always watches seep's own memory; a counted run when the scenario asks
  if (soak || !budgets.seepRss.fromDefault) {
    out.push(seepRssCheck(budgets.seepRss, obs.seepPeak ?? null) ?? notMeasured('budget.seepRss', 'seep', budgets.seepRss, 'B', "seep's own RSS was not sampled"));
  }
  const peak = obs.peakRss !== undefined ? obs.peakRss : peakOf(obs);
  out.push(...alertChecks(alerts, obs.alerts ?? NO_ALERTS, peak));
  if (soak || budgets.stepErrors.written) {
    out.push(stepErrorsCheck(budgets.stepErrors, obs.stepErrors ?? { count: 0, first: [], last: null }, obs.steps ?? null));
  }
  // --baseline: this run's figures, read from its checks as a stored run's are, against the baseline's
  if (budgets.regression) out.push(...regressionChecks(runFigures({ checks: out, series: obs.series }), budgets.regression));
  return out;
}

/**
 * What the runtime heap shows, for a site in the runtime's own code to be held to: whether leak.heap
 * (as judged, a soak's included) failed, and how much per step the heap surely grew, in bytes. A
 * budget that replaced leak.heap leaves the heap's own trend to say whether it leaks.
 */
function heapShows(obs: Observations, check: Check | undefined): HeapShows | null {
  const bytes = iterationTrend(obs, 'heapUsed');
  if (!bytes || check?.measured === false) return null;
  if (!check) return { leaks: bytes.verdict === 'leak', verdict: bytes.verdict, lowPerStep: bytes.low };
  return { leaks: !check.pass, verdict: check.trend?.verdict ?? (check.pass ? 'pass' : 'fail'), lowPerStep: bytes.low };
}

/** A soak that asks for load and reached its measured phase: when that began, and when the load's last interval ended. */
function askedLoad(obs: Observations): AskedLoad | null {
  const measuredFromMs = obs.baselineIndex >= 0 && obs.measured ? obs.series.boundaries.t[obs.baselineIndex] : undefined;
  if (!obs.asksLoad || measuredFromMs === undefined) return null;
  return { measuredFromMs, lastIntervalMs: obs.series.load?.t.at(-1) ?? null };
}

function peakOf(obs: Observations): number | null {
  let peak: number | null = null;
  for (const v of [...obs.series.boundaries.values.rss, ...obs.series.timed.values.rss]) {
    if (v !== null && (peak === null || v > peak)) peak = v;
  }
  return peak;
}

/** The RSS levels this run knows of, for when a leak would reach them. */
function knownRssLimits(budgets: BudgetPlan, alerts: AlertLevel[]): KnownLimit[] {
  const out: KnownLimit[] = alerts.map((a) => ({ name: `${a.level} alert`, written: a.limit.written, value: a.limit.value }));
  if (budgets.peakRss) out.push({ name: 'peakRss budget', written: budgets.peakRss.written, value: budgets.peakRss.value });
  if (budgets.memoryLimit) out.push({ name: 'memoryLimit', written: budgets.memoryLimit.written, value: budgets.memoryLimit.value });
  return out;
}
