// `seep run` and `seep report`. Exit codes: 0 every scenario passed, 1 a check failed,
// 2 a scenario could not run (bad file, target did not start or crashed, step threw) or bad usage.
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ExitCode, Report } from '../report/schema.ts';
import { findProjectRoot } from '../scenario/loadScenario.ts';
import { initCommand } from '../init/initCommand.ts';
import { runAll, SEEP_VERSION } from '../runner/runAll.ts';
import { killCookieProcessesNow } from '../runner/emergencyReaper.ts';
import { readJsonReport, REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { renderRun } from '../reporters/renderRun.ts';
import { createProgress, printSummary, terminalOptions } from '../reporters/terminal/index.ts';
import { parseDuration, UnitError } from '../scenario/units.ts';
import { startMetricsEndpoint, type MetricsEndpoint } from '../soak/metricsEndpoint.ts';
import { rebuildRun } from '../soak/rebuildRun.ts';

const USAGE = `usage:
  seep run [files or dirs...]   run scenarios (default: scenarios/)
      --report-dir <dir>        where runs are written (default: reports/)
      --json <file>             also write the JSON report here
      --junit <file>            write JUnit XML here
      --markdown <file>         write a Markdown summary here (also appended to $GITHUB_STEP_SUMMARY)
      --iterations <N>          override every scenario's measured iterations
      --warmup <N>              override every scenario's warmup iterations
      --only <text>             run only scenarios whose name contains <text>
      --duration <time>         soak: run every scenario for this long ('90s', '24h', '7d')
      --metrics-port <N>        soak: serve current values in Prometheus format on 127.0.0.1:<N>/metrics
      --live-every <time>       soak: refresh the report while running (default 3m)
  seep init <kind> ...          write a first scenario, commented: service, function or cli
                                (seep init alone explains each, with an example)
      --ci github               also write .github/workflows/seep.yml
  seep report <run-dir>         re-render HTML, JUnit and Markdown from <run-dir>/report.json;
                                a soak seep did not finish (crash, SIGKILL) is rebuilt from its sample stream first
      --junit <file>  --markdown <file>
  seep --version | --help

exit codes: 0 all passed, 1 a leak or budget check failed, 2 a scenario could not run or bad usage`;

class UsageError extends Error {}

const OPTIONS = {
  'report-dir': { type: 'string' },
  json: { type: 'string' },
  junit: { type: 'string' },
  markdown: { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  only: { type: 'string' },
  duration: { type: 'string' },
  'metrics-port': { type: 'string' },
  'live-every': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag}: expected a whole number of at least ${min}, got '${value}'`);
  return Number(value);
}

function durationFlag(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    if (parseDuration(value) > 0) return value;
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  throw new UsageError(`--${flag}: expected a duration such as '90s', '24h' or '7d', got '${value}'`);
}

export async function main(argv: string[]): Promise<ExitCode> {
  // init has its own options, and the target's command after `--` must reach it untouched
  if (argv[0] === 'init') return initCommand(argv.slice(1), { cwd: process.cwd(), seepVersion: SEEP_VERSION });
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`seep: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(SEEP_VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    if (command === 'run') return await runCommand(rest, values);
    if (command === 'report') return await reportCommand(rest, values);
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof UsageError) console.error(`seep: ${err.message}\n\n${USAGE}`);
    else console.error(`seep: ${(err as Error).stack ?? String(err)}`);
    return 2;
  }
}

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

async function runCommand(targets: string[], values: Values): Promise<ExitCode> {
  const cwd = process.cwd();
  const projectRoot = await findProjectRoot(cwd);
  const iterations = wholeNumber('iterations', values.iterations, 1);
  const warmup = wholeNumber('warmup', values.warmup, 0);
  const duration = durationFlag('duration', values.duration);
  const liveEvery = durationFlag('live-every', values['live-every']);
  const metricsPort = wholeNumber('metrics-port', values['metrics-port'], 1);
  if (metricsPort !== undefined && metricsPort > 65535) throw new UsageError(`--metrics-port: expected a port up to 65535, got ${metricsPort}`);
  const metrics: MetricsEndpoint | undefined = metricsPort === undefined ? undefined : await startMetricsEndpoint(metricsPort);
  if (metrics) console.log(`metrics: http://127.0.0.1:${metrics.port}/metrics`);
  const reportsRoot = path.resolve(cwd, values['report-dir'] ?? path.join(projectRoot, 'reports'));
  const term = terminalOptions(process.env, process.stdout);
  const progress = createProgress({ stream: process.stdout, ...term });

  // First Ctrl-C (or SIGTERM): stop driving, take the final samples, stop the targets, report.
  // A second one: kill every process of this run now and leave.
  const abort = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      console.error(`\nseep: ${sig}: stopping; final samples and report follow (again to kill at once)`);
      abort.abort();
    } else {
      killCookieProcessesNow();
      process.exit(2);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const { report, runDir } = await runAll({
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
    });
    const written = await renderOutputs(report, runDir, values);
    printSummary(report, process.stdout, { color: term.color });
    for (const s of report.scenarios.filter((x) => x.verdict === 'error')) console.error(`seep: ${s.file || s.name}: ${s.error}`);
    console.log(`\nreport: ${path.relative(cwd, path.join(runDir, 'index.html'))}  (${written.length} files written)`);
    return report.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await metrics?.close();
  }
}

async function renderOutputs(report: Report, runDir: string, values: Values): Promise<string[]> {
  const written = [path.join(runDir, REPORT_FILE)];
  if (values.json) {
    await writeJsonReport(report, path.resolve(values.json));
    written.push(path.resolve(values.json));
  }
  const opts: { junit?: string; markdown?: string } = {};
  if (values.junit) opts.junit = path.resolve(values.junit);
  if (values.markdown) opts.markdown = path.resolve(values.markdown);
  written.push(...(await renderRun(report, runDir, opts)));
  return written;
}

async function reportCommand(args: string[], values: Values): Promise<ExitCode> {
  const [runDir, extra] = args;
  if (!runDir || extra) throw new UsageError('seep report takes exactly one run directory');
  const dir = path.resolve(runDir);
  let report: Report;
  try {
    const rebuilt = await rebuildRun(dir, SEEP_VERSION);
    if (rebuilt && rebuilt.rebuilt.length > 0) {
      await writeJsonReport(rebuilt.report, path.join(dir, REPORT_FILE));
      console.log(`rebuilt from the sample stream: ${rebuilt.rebuilt.join(', ')}`);
    }
    report = rebuilt?.report ?? (await readJsonReport(path.join(dir, REPORT_FILE)));
  } catch (err) {
    console.error(`seep: ${(err as Error).message}`);
    return 2;
  }
  const written = await renderOutputs(report, dir, values);
  printSummary(report, process.stdout, { color: terminalOptions(process.env, process.stdout).color });
  console.log(`\nre-rendered ${written.length - 1} files from ${path.relative(process.cwd(), path.join(dir, REPORT_FILE))}`);
  return report.exitCode;
}
