// One run's folder and report.json, and how a planned scenario gets into it: through the engine
// (calibrated where asked), appended, and the report written again. `seep run` records all its
// scenarios in one; `seep/vitest` records one test file's leak tests in one, test by test.
import path from 'node:path';
import { SEEP_VERSION } from '../seepVersion.ts';
import { SCHEMA_VERSION, type Report, type ScenarioReport } from '../report/runReportSchema.ts';
import { hostInfo } from '../assembly/hostInfo.ts';
import { newRunId } from '../assembly/runId.ts';
import { runOutcome } from '../analysis/verdict.ts';
import { REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { emptySeries } from '../series/emptySeries.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { runScenario, type RunScenarioOptions } from './runScenario.ts';
import { calibrate } from './calibrationRun.ts';

export interface RunRecord {
  readonly report: Report;
  readonly runDir: string;
  /** runs one planned scenario through the engine (then its calibration, where planned), records it and writes the report */
  run(plan: RunPlan, opts: RecordedRunOptions): Promise<ScenarioReport>;
  /** records scenarios that never ran (a file that did not load, a plan that could not be made) and writes the report */
  add(scenarios: ScenarioReport[]): Promise<void>;
  write(): Promise<void>;
}

export type RecordedRunOptions = Omit<RunScenarioOptions, 'file' | 'runDir' | 'onLive'> & {
  /** the report so far, written to report.json while a soak runs: the caller draws its live views */
  onLive?: (report: Report, runDir: string) => Promise<void>;
};

/** A scenario that could not run, in the report's shape: verdict error, the cause in `error`. */
export function errorScenario(file: string, name: string, error: string): ScenarioReport {
  const at = new Date().toISOString();
  return {
    name, file, verdict: 'error', error, startedAt: at, finishedAt: at, durationMs: 0,
    target: { kind: 'cli' }, iterations: { warmup: 0, measured: 0 }, checks: [], headlines: { rssGrowth: null }, series: emptySeries(), suspects: [],
    output: { tail: [], totalLines: 0, forbidCounts: {}, forbidExamples: {} },
  };
}

export async function openRunRecord(opts: {
  /** reports root: the run gets its own folder below it */
  reportsRoot: string;
  /** called after every write of the report (also with the final one) */
  onWrite?: (report: Report, runDir: string) => Promise<void>;
}): Promise<RunRecord> {
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
  return {
    report,
    runDir,
    write,
    async add(scenarios) {
      report.scenarios.push(...scenarios);
      await write();
    },
    async run(plan, runOpts) {
      const { onLive, ...rest } = runOpts;
      const scenarioOpts: RunScenarioOptions = {
        ...rest,
        file: plan.file,
        runDir,
        // the live view of a soak: the report so far, written like a finished one
        onLive: async (live) => {
          const snapshot: Report = { ...report, finishedAt: new Date().toISOString(), scenarios: [...report.scenarios, live] };
          Object.assign(snapshot, runOutcome(snapshot.scenarios));
          await writeJsonReport(snapshot, path.join(runDir, REPORT_FILE));
          await onLive?.(snapshot, runDir);
        },
      };
      const first = await runScenario(plan, scenarioOpts);
      const result = plan.calibrate && !runOpts.signal?.aborted ? await calibrate(plan, first, scenarioOpts) : first;
      report.scenarios.push(result);
      await write();
      return result;
    },
  };
}
