// A whole `seep run`: validate every scenario file first (a bad one stops everything before any
// target starts), then run them one at a time, writing the JSON report after each.
import path from 'node:path';
import type { KnownLeaksPlan, Report, ScenarioReport } from '../report/schema.ts';
import { findScenarioFiles, loadScenarioFile, ScenarioFileError, type LoadedScenario } from '../scenario/loadScenario.ts';
import { planRun, type RunPlan } from '../scenario/runPlan.ts';
import type { ProgressSink } from './progressSink.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import type { StoredRun } from '../analysis/compareRuns.ts';
import { regressionBaseline } from '../analysis/regressionChecks.ts';
import { knownLeaksUse } from '../analysis/knownLeaks.ts';
import { shardSlice, type ShardRequest } from './shardSlice.ts';
import { errorScenario, openRunRecord } from './runRecord.ts';

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

export interface RunResult {
  report: Report;
  runDir: string;
}

export async function runAll(opts: RunAllOptions): Promise<RunResult> {
  const record = await openRunRecord({ reportsRoot: opts.reportsRoot, onWrite: opts.onWrite });
  const { report, runDir } = record;
  const done = () => ({ report, runDir });

  const loaded: LoadedScenario[] = [];
  const bad: ScenarioReport[] = [];
  let files: string[] = [];
  try {
    files = await findScenarioFiles(opts.targets, opts.cwd);
  } catch (err) {
    if (!(err instanceof ScenarioFileError)) throw err;
    bad.push(errorScenario('', '(no scenario)', err.detail));
  }
  for (const file of files) {
    try {
      loaded.push(await loadScenarioFile(file, opts.projectRoot));
    } catch (err) {
      const rel = path.relative(opts.projectRoot, file);
      bad.push(errorScenario(rel, rel, err instanceof ScenarioFileError ? err.detail : (err as Error).message));
    }
  }
  if (bad.length > 0) {
    await record.add(bad);
    return done();
  }

  const chosen = loaded.filter((l) => !opts.only || l.scenario.name.includes(opts.only));
  if (chosen.length === 0) {
    await record.add([errorScenario('', '(no scenario)', `no scenario name contains '${opts.only ?? ''}'`)]);
    return done();
  }
  const slice = opts.shard ? shardSlice(chosen, opts.shard) : null;
  if (slice) report.shard = slice.info;
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
      bad.push(errorScenario(file, scenario.name, (err as Error).message));
    }
  }
  if (bad.length > 0) {
    await record.add(bad);
    return done();
  }
  for (const plan of plans) {
    if (opts.signal?.aborted) break;
    await record.run(plan, { repoRoot: opts.projectRoot, signal: opts.signal, progress: opts.progress, metrics: opts.metrics, onLive: opts.onLive });
  }
  if (opts.knownLeaks) report.knownLeaks = knownLeaksUse(opts.knownLeaks, report.scenarios);
  await record.write();
  return done();
}
