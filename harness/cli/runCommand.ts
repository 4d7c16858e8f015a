// `seep run`: every scenario of the given files and folders, then the outputs and the summary.
import path from 'node:path';
import { plainLines } from '../reporters/plainText.ts';
import { findProjectRoot } from '../scenario/loadScenario.ts';
import { runAll } from '../runner/runAll.ts';
import { killCookieProcessesNow } from '../runner/emergencyReaper.ts';
import { createProgress, printSummary, terminalOptions } from '../reporters/terminal/index.ts';
import { parseDuration } from '../scenario/units.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import { durationFlag, toleranceFlag, UsageError, wholeNumber, type CliExitCode, type Values } from './options.ts';
import { readStoredRun, StoredRunError } from './readStoredRun.ts';
import { DEFAULT_TOLERANCE } from '../analysis/slopeDifference.ts';
import type { StoredRun } from '../analysis/compareRuns.ts';
import { renderRun } from '../reporters/renderRun.ts';
import { renderOutputs } from './renderOutputs.ts';
import { shardRequest } from './shardOptions.ts';
import { shardText } from '../reporters/shardText.ts';
import { KnownLeaksFileError, knownLeaksOption } from './knownLeaksOption.ts';
import type { KnownLeaksPlan } from '../report/knownLeaksSchema.ts';

/** 128 + the signal's number: how a shell reports a command a signal stopped. */
function signalExit(sig: NodeJS.Signals): 130 | 143 {
  return sig === 'SIGTERM' ? 143 : 130;
}

export async function runCommand(targets: string[], values: Values): Promise<CliExitCode> {
  const cwd = process.cwd();
  const projectRoot = await findProjectRoot(cwd);
  const iterations = wholeNumber('iterations', values.iterations, 1);
  const warmup = wholeNumber('warmup', values.warmup, 0);
  const duration = durationFlag('duration', values.duration);
  const liveEvery = durationFlag('live-every', values['live-every']);
  const shard = await shardRequest(values.shard, values['shard-durations']);
  const metricsPort = wholeNumber('metrics-port', values['metrics-port'], 1);
  const attach = wholeNumber('attach', values.attach, 1);
  if (values.tolerance !== undefined && values.baseline === undefined) throw new UsageError('--tolerance: seep run takes it with --baseline');
  if (values.html !== undefined) throw new UsageError('--html: is for seep compare; seep run writes index.html in its run folder');
  const tolerance = toleranceFlag(values.tolerance, DEFAULT_TOLERANCE);
  // the stored run is read here, before any target starts: a wrong file stops the run with exit 2
  let baseline: StoredRun | undefined;
  try {
    baseline = values.baseline === undefined ? undefined : await readStoredRun(values.baseline);
  } catch (err) {
    if (!(err instanceof StoredRunError)) throw err;
    console.error(`seep: --baseline ${err.message}`);
    return 2;
  }
  // the known leaks too: a malformed file names its entry and stops the run with exit 2
  let knownLeaks: KnownLeaksPlan | undefined;
  try {
    knownLeaks = await knownLeaksOption(values, cwd, projectRoot);
  } catch (err) {
    if (!(err instanceof KnownLeaksFileError)) throw err;
    console.error(`seep: ${err.message}`);
    return 2;
  }
  if (metricsPort !== undefined && metricsPort > 65535) throw new UsageError(`--metrics-port: expected a port up to 65535, got ${metricsPort}`);
  const metrics: MetricsEndpoint | undefined = metricsPort === undefined ? undefined : await startMetricsEndpoint(metricsPort);
  if (metrics) console.log(`metrics: http://127.0.0.1:${metrics.port}/metrics`);
  const reportsRoot = path.resolve(cwd, values['report-dir'] ?? path.join(projectRoot, 'reports'));
  const term = terminalOptions(process.env, process.stdout);
  const progress = createProgress({ stream: process.stdout, ...term });

  // First Ctrl-C (or SIGTERM): stop driving, take the final samples, stop the targets, report, and
  // exit 128 + the signal's number as a shell would (130, 143). A second one: kill every process of
  // this run now and leave with the same code.
  const abort = new AbortController();
  let stoppedBy: NodeJS.Signals | null = null;
  const onSignal = (sig: NodeJS.Signals) => {
    if (stoppedBy === null) {
      stoppedBy = sig;
      console.error(`\nseep: ${sig}: stopping; final samples and report follow (again to kill at once)`);
      abort.abort();
    } else {
      killCookieProcessesNow();
      process.exit(signalExit(stoppedBy));
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await runAll({
      targets: targets.length > 0 ? targets : [path.join(projectRoot, 'scenarios')],
      projectRoot,
      cwd,
      reportsRoot,
      iterations,
      warmup,
      only: values.only,
      signal: abort.signal,
      progress,
      duration,
      liveEveryMs: liveEvery === undefined ? undefined : parseDuration(liveEvery),
      metrics,
      calibrate: values.calibrate === true ? true : undefined,
      attach,
      baseline: baseline ? { stored: baseline, tolerance } : undefined,
      shard,
      knownLeaks,
      // a soak's live views, drawn from the report so far as from a finished one
      onLive: async (live, dir) => {
        await renderRun(live, dir);
      },
    });
    if (!result.ran) {
      // the run never started: nothing was written, and the problems go where a failed command's go
      for (const r of result.refusals) console.error(`seep: ${r.where ? `${r.where}: ` : ''}${plainLines(r.problem)}`);
      return 2;
    }
    const { report, runDir } = result;
    const written = await renderOutputs(report, runDir, values);
    // a scenario's error was printed in its block as it ended: the summary only points at it
    printSummary(report, process.stdout, { color: term.color, errorsShownAbove: true });
    if (report.shard) console.log(`\n${shardText(report)!}`);
    console.log(`\nreport: ${path.relative(cwd, path.join(runDir, 'index.html'))}  (${written.length} files written)`);
    return stoppedBy === null ? report.exitCode : signalExit(stoppedBy);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await metrics?.close();
  }
}
