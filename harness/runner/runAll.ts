// A whole `seep run`: validate every scenario file first (a bad one stops everything before any
// target starts), then run them one at a time, writing the JSON report after each.
import path from 'node:path';
import { SEEP_VERSION } from '../seepVersion.ts';
import { SCHEMA_VERSION, type Report, type ScenarioReport } from '../report/schema.ts';
import { hostInfo } from '../report/hostInfo.ts';
import { newRunId } from '../report/runId.ts';
import { findScenarioFiles, loadScenarioFile, ScenarioFileError, type LoadedScenario } from '../scenario/loadScenario.ts';
import { runOutcome } from '../verdict/verdict.ts';
import { REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { emptySeries } from '../series/emptySeries.ts';
import { runScenario, type RunScenarioOptions } from './runScenario.ts';
import { calibrate } from './calibrationRun.ts';
import { planRun, type RunPlan } from '../scenario/runPlan.ts';
import type { ProgressSink } from './progressSink.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import type { StoredRun } from '../analysis/compareRuns.ts';
import { regressionBaseline } from '../analysis/regressionChecks.ts';

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
}

export interface RunResult {
  report: Report;
  runDir: string;
}

function errorScenario(file: string, name: string, error: string): ScenarioReport {
  const at = new Date().toISOString();
  return {
    name, file, verdict: 'error', error, startedAt: at, finishedAt: at, durationMs: 0,
    target: { kind: 'cli' }, iterations: { warmup: 0, measured: 0 }, checks: [], headlines: { rssGrowth: null }, series: emptySeries(), suspects: [],
    output: { tail: [], totalLines: 0, forbidCounts: {}, forbidExamples: {} },
  };
}

export async function runAll(opts: RunAllOptions): Promise<RunResult> {
  const startedAt = new Date();
  const runId = newRunId(startedAt);
  const runDir = path.join(opts.reportsRoot, runId);
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    seepVersion: SEEP_VERSION,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    host: await hostInfo(),
    verdict: 'pass',
    exitCode: 0,
    scenarios: [],
  };
  const write = async () => {
    report.finishedAt = new Date().toISOString();
    Object.assign(report, runOutcome(report.scenarios));
    await writeJsonReport(report, path.join(runDir, REPORT_FILE));
    await opts.onWrite?.(report, runDir);
  };

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
    report.scenarios = bad;
    await write();
    return { report, runDir };
  }

  const chosen = loaded.filter((l) => !opts.only || l.scenario.name.includes(opts.only));
  if (chosen.length === 0) {
    report.scenarios = [errorScenario('', '(no scenario)', `no scenario name contains '${opts.only ?? ''}'`)];
    await write();
    return { report, runDir };
  }
  // every chosen scenario is planned before any runs: a plan that cannot be made stops the run here
  const plans: RunPlan[] = [];
  const overrides = { iterations: opts.iterations, warmup: opts.warmup, duration: opts.duration, liveEveryMs: opts.liveEveryMs, calibrate: opts.calibrate, attach: opts.attach };
  for (const { file, scenario } of chosen) {
    try {
      const plan = planRun(scenario, file, overrides);
      if (opts.baseline) plan.budgets.regression = regressionBaseline(opts.baseline.stored, plan.name, opts.baseline.tolerance);
      plans.push(plan);
    } catch (err) {
      bad.push(errorScenario(file, scenario.name, (err as Error).message));
    }
  }
  if (bad.length > 0) {
    report.scenarios = bad;
    await write();
    return { report, runDir };
  }
  for (const plan of plans) {
    if (opts.signal?.aborted) break;
    const runOpts: RunScenarioOptions = {
      repoRoot: opts.projectRoot,
      file: plan.file,
      signal: opts.signal,
      progress: opts.progress,
      runDir,
      metrics: opts.metrics,
      // the live view of a soak: the report so far, written like a finished one
      onLive: async (live) => {
        const snapshot: Report = { ...report, finishedAt: new Date().toISOString(), scenarios: [...report.scenarios, live] };
        Object.assign(snapshot, runOutcome(snapshot.scenarios));
        await writeJsonReport(snapshot, path.join(runDir, REPORT_FILE));
        await opts.onLive?.(snapshot, runDir);
      },
    };
    const first = await runScenario(plan, runOpts);
    const result = plan.calibrate && !opts.signal?.aborted ? await calibrate(plan, first, runOpts) : first;
    report.scenarios.push(result);
    await write();
  }
  await write();
  return { report, runDir };
}
