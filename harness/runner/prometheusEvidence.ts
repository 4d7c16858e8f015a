// The evidence of a deployed service (`evidence.prometheus`): once the run is over, its replicas'
// series over the run's window, read from Prometheus, each judged apart as `seep judge
// --prometheus` judges a series (each life of a restarted replica apart, the warmup left out), with
// the scenario's budgets; then the replicas' sum, judged with the same budgets. An evidence
// collector like the others: the engine does not know it by name. Prometheus unreachable, a query
// refused, no series or too few points end the run as an error with that one line.
import type { ScenarioReport } from '../report/runReportSchema.ts';
import type { PrometheusPlan, RunPlan } from '../scenario/runPlan.ts';
import { defaultStepMs } from '../scenario/prometheusQueries.ts';
import { PrometheusError } from '../probes/prometheusApi.ts';
import { fetchSeries } from '../probes/prometheusSeries.ts';
import { seriesRuns, type SeriesRun, type SeriesSource } from '../observations/seriesRuns.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { MIN_SAMPLES } from '../analysis/trend.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';

/** What of the plan judging the replicas reads. */
type ReplicaPlan = Pick<RunPlan, 'name' | 'file' | 'target' | 'budgets'>;

export interface RunWindow {
  /** the scenario's start, ms since the epoch: t = 0 of its samples */
  startedAtMs: number;
  /** when the measured phase began, ms since the scenario's start (null: still warming up) */
  measuredFromT: () => number | null;
  signal?: AbortSignal;
}

/** Each life of each series judged through the run aggregate, as a run's stream is: `seep run`'s judge, per hour. */
export function judgeSeriesRuns(runs: SeriesRun[]): ScenarioReport[] {
  return runs.map((r) => {
    const agg = createRunAggregate();
    for (const e of r.events) agg.add(e);
    return agg.report();
  });
}

async function judgeReplicas(plan: ReplicaPlan, p: PrometheusPlan, w: RunWindow): Promise<ScenarioReport[]> {
  const endMs = Date.now();
  const range = { startMs: w.startedAtMs, endMs, stepMs: p.stepMs ?? defaultStepMs(endMs - w.startedAtMs) };
  const sumQuery = { query: `sum(${p.queries.query})`, metric: p.queries.metric };
  const [each, sum] = await Promise.all([
    fetchSeries(p.url, p.queries, range, { ...(p.limit ? { limit: p.limit } : {}), ...(w.signal ? { signal: w.signal } : {}) }),
    fetchSeries(p.url, sumQuery, range, w.signal ? { signal: w.signal } : {}),
  ]);
  const measuredFrom = w.measuredFromT();
  const src: SeriesSource = {
    prometheus: p.url, query: p.queries.query, metric: p.queries.metric, ...range,
    originMs: w.startedAtMs,
    ...(measuredFrom !== null ? { warmupEndMs: w.startedAtMs + measuredFrom } : {}),
    scenario: { name: plan.name, file: plan.file, ...(plan.target.kind === 'remote' ? { url: plan.target.url } : {}) },
    budgets: plan.budgets,
    notes: [...each.warnings.map((x) => `Prometheus: ${x}`), ...each.notes],
  };
  const runs = seriesRuns(src, each.series);
  const over = `over the run (${Math.round((endMs - w.startedAtMs) / 1000)} s at ${range.stepMs / 1000} s steps)`;
  if (runs.length === 0) throw new PrometheusError(`evidence.prometheus: Prometheus at ${p.url} returned no series for ${p.queries.query} ${over}`);
  const need = MIN_SAMPLES[p.queries.metric === 'fds' ? 'count' : 'memory'];
  const most = Math.max(...runs.map((r) => r.measuredPoints));
  if (most < need) throw new PrometheusError(`evidence.prometheus: ${p.queries.query} has at most ${most} measured point${most === 1 ? '' : 's'} per series ${over}: too few to judge (at least ${need}); run longer or set evidence.prometheus.step shorter (not under the scrape interval)`);
  // the sum says how the fleet grows; of a single replica it would only repeat it
  const sums = each.series.length > 1 ? seriesRuns({ ...src, query: sumQuery.query, sum: true }, sum.series) : [];
  return judgeSeriesRuns([...runs, ...sums]);
}

export function prometheusEvidence(plan: ReplicaPlan, p: PrometheusPlan, w: RunWindow): EvidenceCollector {
  return {
    async afterRun() {
      try {
        return { errors: [], replicas: await judgeReplicas(plan, p, w) };
      } catch (err) {
        if (!(err instanceof PrometheusError)) throw err;
        return { errors: [], error: err.message };
      }
    },
  };
}
