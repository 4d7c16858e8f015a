// `seep judge --prometheus <url> --query '<PromQL>' | --metric <preset>`: every series the query
// returns over the range (one per pod, container or instance; each life of a restarted one apart)
// judged as a soak judges RSS, per hour. Prints a table of the series, writes the report files asked
// for; exit 0 every series passes, 1 one leaks or breaks a budget, 2 Prometheus unreachable, a query
// refused, no series, too few points.
import path from 'node:path';
import { SCHEMA_VERSION, type ExitCode, type Report } from '../report/runReportSchema.ts';
import { hostInfo } from '../assembly/hostInfo.ts';
import { newRunId } from '../assembly/runId.ts';
import { runOutcome } from '../analysis/verdict.ts';
import { REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { renderRunPage } from '../reporters/html/runPage.ts';
import { renderJunit } from '../reporters/junitReporter.ts';
import { renderMarkdown } from '../reporters/markdownReporter.ts';
import { seriesTable } from '../reporters/terminal/seriesTable.ts';
import { verdictLabel } from '../reporters/terminal/scenarioVerdict.ts';
import { makeStyle, plainText } from '../reporters/terminal/style.ts';
import { terminalOptions } from '../reporters/terminal/index.ts';
import { SEEP_VERSION } from '../seepVersion.ts';
import { PrometheusError } from '../probes/prometheusApi.ts';
import { fetchSeries, type FixedLimit } from '../probes/prometheusSeries.ts';
import { defaultStepMs, isMetricPreset, METRIC_PRESETS, metricOfQuery, presetQueries, type SeriesQueries } from '../scenario/prometheusQueries.ts';
import { parseDuration, parseSize, UnitError } from '../scenario/units.ts';
import { MIN_SAMPLES } from '../analysis/trend.ts';
import { seriesRuns } from '../observations/seriesRuns.ts';
import { judgeSeriesRuns } from '../runner/prometheusEvidence.ts';
import { UsageError, type Values } from './options.ts';
import { renderOutputs } from './renderOutputs.ts';
import { mkdir, writeFile } from 'node:fs/promises';

const DEFAULT_RANGE = '24h';

function durationOption(flag: string, value: string): number {
  try {
    const ms = parseDuration(value);
    if (ms > 0) return ms;
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  throw new UsageError(`--${flag}: expected a duration such as '90s', '24h' or '7d', got '${value}'`);
}

/** --at: RFC 3339 or seconds since the epoch, as Prometheus' API takes a time. */
function timeOption(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--at: expected a time such as '2026-06-01T08:00:00Z' or seconds since the epoch, got '${value}'`);
  return ms;
}

function queriesOf(values: Values): SeriesQueries {
  if (values.query !== undefined && values.metric !== undefined) throw new UsageError('--query and --metric both name the series: give one');
  if (values.query !== undefined) {
    if (values.selector !== undefined) throw new UsageError('--selector goes with --metric; write the matchers into --query');
    const q: SeriesQueries = { query: values.query, metric: metricOfQuery(values.query) };
    if (values['limit-query']) q.limit = values['limit-query'];
    return q;
  }
  if (values.metric === undefined) throw new UsageError(`seep judge --prometheus needs --query '<PromQL>' or --metric ${Object.keys(METRIC_PRESETS).join('|')}`);
  if (!isMetricPreset(values.metric)) throw new UsageError(`--metric: expected one of ${Object.keys(METRIC_PRESETS).join(', ')}, got '${values.metric}'`);
  const q = presetQueries(values.metric, values.selector);
  if (values['limit-query']) q.limit = values['limit-query'];
  return q;
}

function fixedLimit(value: string | undefined, metric: SeriesQueries['metric']): FixedLimit | undefined {
  if (value === undefined) return undefined;
  if (metric === 'fds') {
    if (!/^\d+$/.test(value)) throw new UsageError(`--limit: the series are counts (fds): expected a whole number, got '${value}'`);
    return { written: value, value: Number(value), from: '--limit' };
  }
  try {
    return { written: value, value: parseSize(value), from: '--limit' };
  } catch (err) {
    throw new UsageError(`--limit: ${(err as Error).message}`);
  }
}

export async function judgePrometheusCommand(args: string[], values: Values): Promise<ExitCode> {
  if (args.length > 0) throw new UsageError(`seep judge --prometheus reads its series from Prometheus, not '${args[0]}'`);
  const base = values.prometheus!;
  const queries = queriesOf(values);
  if (values.limit !== undefined && values['limit-query'] !== undefined) throw new UsageError('--limit and --limit-query both give the limit: give one');
  const limit = fixedLimit(values.limit, queries.metric);
  const rangeMs = durationOption('range', values.range ?? DEFAULT_RANGE);
  const endMs = timeOption(values.at);
  const stepMs = values.step !== undefined ? durationOption('step', values.step) : defaultStepMs(rangeMs);
  const startMs = endMs - rangeMs;
  const style = makeStyle(terminalOptions(process.env, process.stdout).color);
  const startedAt = new Date();

  let fetched;
  try {
    fetched = await fetchSeries(base, queries, { startMs, endMs, stepMs }, limit ? { limit } : {});
  } catch (err) {
    if (!(err instanceof PrometheusError)) throw err;
    console.error(`seep: ${err.message}`);
    return 2;
  }
  const over = `over ${values.range ?? DEFAULT_RANGE} to ${new Date(endMs).toISOString()} at ${stepMs / 1000} s steps`;
  const runs = seriesRuns({ prometheus: base, query: queries.query, metric: queries.metric, stepMs, startMs, endMs }, fetched.series);
  if (runs.length === 0) {
    console.error(`seep: Prometheus at ${base} returned no series for ${queries.query} ${over}: check the query and the range in its own UI`);
    return 2;
  }
  const need = MIN_SAMPLES[queries.metric === 'fds' ? 'count' : 'memory'];
  const most = Math.max(...runs.map((r) => r.measuredPoints));
  if (most < need) {
    console.error(`seep: ${queries.query} ${over} has at most ${most} point${most === 1 ? '' : 's'} per series: too few to judge (at least ${need}); widen --range or shorten --step`);
    return 2;
  }
  const scenarios = judgeSeriesRuns(runs);
  const runId = newRunId(startedAt);
  const report: Report = {
    schemaVersion: SCHEMA_VERSION, seepVersion: SEEP_VERSION, runId,
    startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), host: await hostInfo(),
    ...runOutcome(scenarios), scenarios,
  };
  const failed = scenarios.filter((s) => s.verdict !== 'pass').length;
  const lines = [
    `seep judge: ${fetched.series.length} series${runs.length > fetched.series.length ? ` (${runs.length} lives: a restarted process is judged life by life)` : ''} of ${plainText(queries.query)} from ${plainText(base)} ${over}`,
    ...[...fetched.warnings.map((w) => `Prometheus: ${w}`), ...fetched.notes].map((n) => `  ${style.yellow('note:')} ${plainText(n)}`),
    ...seriesTable(scenarios, style),
    `${verdictLabel(report.verdict, style)} ${failed === 0 ? 'no series leaks' : `${failed} of ${scenarios.length} series fail`}`,
  ];
  console.log(lines.join('\n'));
  await writeOutputs(report, values);
  return report.exitCode;
}

async function writeFileIn(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(path.resolve(file), text);
}

/** --report-dir: the run folder `seep run` writes; else each file asked for on its own. */
async function writeOutputs(report: Report, values: Values): Promise<void> {
  if (values['report-dir']) {
    const runDir = path.join(path.resolve(values['report-dir']), report.runId);
    await writeJsonReport(report, path.join(runDir, REPORT_FILE));
    await renderOutputs(report, runDir, values);
    console.log(`report: ${path.join(runDir, 'index.html')}`);
    return;
  }
  if (values.json) await writeJsonReport(report, path.resolve(values.json));
  if (values.html) await writeFileIn(values.html, await renderRunPage(report));
  if (values.junit) await writeFileIn(values.junit, renderJunit(report));
  if (values.markdown) await writeFileIn(values.markdown, renderMarkdown(report));
}
