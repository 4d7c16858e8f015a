// A whole `seep run`: validate and plan every scenario file first (a bad one stops everything before
// any target starts, and nothing is written), then run them one at a time, writing the JSON report after each.
import path from 'node:path';
import type { Report } from '../report/runReportSchema.ts';
import type { KnownLeaksPlan } from '../report/knownLeaksSchema.ts';
import { findScenarioFiles, loadScenarioFile, ScenarioFileError, type LoadedScenario } from '../scenario/loadScenario.ts';
import { planRun, type RunPlan } from '../scenario/runPlan.ts';
import type { ProgressSink } from './progressSink.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import type { StoredRun } from '../analysis/compareRuns.ts';
import { regressionBaseline } from '../analysis/regressionChecks.ts';
import { knownLeaksUse } from '../analysis/knownLeaks.ts';
import { shardSlice, type ShardRequest } from './shardSlice.ts';
import { openRunRecord } from './runRecord.ts';

export interface RunAllOptions {
  targets: string[];
  projectRoot: string;
  cwd: string;
  /** reports root: the run gets its own folder below it */
  reportsRoot: string;
  iterations?: number;
  warmup?: number;
  only?: string;
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** called after every write of the report (also with the final one) */
  onWrite?: (report: Report, runDir: string) => Promise<void>;
  /** the report so far, written to report.json while a soak runs: the caller draws its live views */
  onLive?: (report: Report, runDir: string) => Promise<void>;
  /** --duration: run every scenario as a soak this long */
  duration?: string;
  /** soak: how often the live report (report.json and the HTML views) is refreshed */
  liveEveryMs?: number;
  /** soak: the --metrics-port endpoint */
  metrics?: MetricsEndpoint;
  /** --calibrate: every passing counted scenario runs again with a leak planted */
  calibrate?: boolean;
  /** --attach: every scenario attaches to this running service (service scenarios only) */
  attach?: number;
  /** --baseline: a stored run each scenario's figures are checked against (regression.* checks) */
  baseline?: { stored: StoredRun; tolerance: number };
  /** --shard i/n: run only this shard's slice of the chosen scenarios, and record which it was */
  shard?: ShardRequest;
  /** the known-leaks file, read and checked by the caller: each scenario's leaks are judged against it */
  knownLeaks?: KnownLeaksPlan;
}

/**
 * What `seep run` did: ran the scenarios (a run folder and its report), or refused before anything
 * started (a missing or invalid scenario, a plan that cannot be made, nothing chosen), in which case
 * nothing was written: the problems, each naming its file or flag, are the caller's to print.
 */
export type RunResult =
  | { ran: true; report: Report; runDir: string }
  | { ran: false; refusals: Refusal[] };

export interface Refusal {
  /** the scenario file relative to the project root, or the flag or path that found nothing */
  where: string;
  problem: string;
}

export async function runAll(opts: RunAllOptions): Promise<RunResult> {
  const prepared = await preparePlans(opts);
  if (!prepared.ok) return { ran: false, refusals: prepared.refusals };
  const record = await openRunRecord({ reportsRoot: opts.reportsRoot, onWrite: opts.onWrite });
  const { report, runDir } = record;
  if (prepared.shard) report.shard = prepared.shard;
  for (const plan of prepared.plans) {
    if (opts.signal?.aborted) break;
    await record.run(plan, { repoRoot: opts.projectRoot, signal: opts.signal, progress: opts.progress, metrics: opts.metrics, onLive: opts.onLive });
  }
  if (opts.knownLeaks) report.knownLeaks = knownLeaksUse(opts.knownLeaks, report.scenarios);
  await record.write();
  return { ran: true, report, runDir };
}

type Prepared = { ok: true; plans: RunPlan[]; shard: Report['shard'] } | { ok: false; refusals: Refusal[] };

/** Every scenario file found, loaded, chosen and planned before any target starts: one bad file stops them all. */
async function preparePlans(opts: RunAllOptions): Promise<Prepared> {
  const refusals: Refusal[] = [];
  const refuse = (where: string, err: unknown) => {
    // one line per problem of a file, each naming the file: said once, where the user looks
    if (err instanceof ScenarioFileError) for (const p of err.problems) refusals.push({ where, problem: p.field.startsWith('(') ? p.message : `${p.field}: ${p.message}` });
    else refusals.push({ where, problem: (err as Error).message });
  };
  let files: string[];
  try {
    files = await findScenarioFiles(opts.targets, opts.cwd);
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw err;
    refuse(err.file, err);
    return { ok: false, refusals };
  }
  const loaded: LoadedScenario[] = [];
  for (const file of files) {
    try {
      loaded.push(await loadScenarioFile(file, opts.projectRoot));
    } catch (err) {
      refuse(path.relative(opts.projectRoot, file), err);
    }
  }
  if (refusals.length > 0) return { ok: false, refusals };

  const chosen = loaded.filter((l) => !opts.only || l.scenario.name.includes(opts.only));
  if (chosen.length === 0) {
    const names = loaded.map((l) => `'${l.scenario.name}'`).join(', ');
    return { ok: false, refusals: [{ where: '--only', problem: `no scenario name contains '${opts.only ?? ''}' (the names: ${names})` }] };
  }
  const slice = opts.shard ? shardSlice(chosen, opts.shard) : null;
  // every chosen scenario is planned before any runs: a plan that cannot be made stops the run here
  const plans: RunPlan[] = [];
  const overrides = { iterations: opts.iterations, warmup: opts.warmup, duration: opts.duration, liveEveryMs: opts.liveEveryMs, calibrate: opts.calibrate, attach: opts.attach };
  for (const { file, scenario } of slice?.chosen ?? chosen) {
    try {
      const plan = planRun(scenario, file, overrides);
      if (opts.baseline) plan.budgets.regression = regressionBaseline(opts.baseline.stored, plan.name, opts.baseline.tolerance);
      if (opts.knownLeaks) plan.budgets.knownLeaks = opts.knownLeaks;
      plans.push(plan);
    } catch (err) {
      refuse(file, err);
    }
  }
  if (refusals.length > 0) return { ok: false, refusals };
  return { ok: true, plans, shard: slice?.info };
}
