// `seep report <run-dir>` after a crash: every sample stream in the run folder is read back and
// its scenario rebuilt, through the same aggregate the live run used. A stream that ends with its
// tail belongs to a scenario that finished and whose report was written then: it is kept as
// written unless the report lacks it. A stream without a tail is a run seep did not finish (a
// SIGKILL, a power cut): its scenario is rebuilt from every line that reached the disk.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type Report, type ScenarioReport } from '../report/runReportSchema.ts';
import { hostInfo } from './hostInfo.ts';
import { readJsonReport, REPORT_FILE } from '../reporters/jsonReporter.ts';
import { runOutcome } from '../analysis/verdict.ts';
import { readSampleStream, STREAM_SUFFIX } from '../series/sampleStream.ts';
import { createRunAggregate } from './runAggregate.ts';

export interface RebuiltStream {
  file: string;
  scenario: ScenarioReport;
  finished: boolean;
  lines: number;
}

export async function rebuildStream(file: string, source = path.basename(file)): Promise<RebuiltStream> {
  const agg = createRunAggregate();
  let finished = false;
  const { lines, truncatedTail } = await readSampleStream(file, (e) => {
    agg.add(e);
    if (e.k === 'end') finished = true;
  });
  const scenario = agg.report({ source });
  if (truncatedTail) (scenario.probeErrors ??= []).push(`${source}: its last line was cut short by the crash and skipped`);
  return { file, scenario, finished, lines };
}

export async function findStreams(runDir: string): Promise<string[]> {
  const names = await readdir(runDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new Error(`${runDir}: no such run directory`);
    throw err;
  });
  return names.filter((n) => n.endsWith(STREAM_SUFFIX)).sort().map((n) => path.join(runDir, n));
}

/** The run's report with every unfinished (or unreported) soak rebuilt from its stream; null when there is no stream. */
export async function rebuildRun(runDir: string, seepVersion: string): Promise<{ report: Report; rebuilt: string[] } | null> {
  const streams = await findStreams(runDir);
  if (streams.length === 0) return null;
  const file = path.join(runDir, REPORT_FILE);
  // only a report that was never written is rebuilt from nothing: a corrupt one, or one of another
  // schema, is an error naming the file, and is never overwritten
  let report: Report | null = (await stat(file).catch(() => null)) ? await readJsonReport(file) : null;
  const rebuilt: string[] = [];
  for (const stream of streams) {
    const r = await rebuildStream(stream);
    const at = report?.scenarios.findIndex((s) => s.name === r.scenario.name && s.file === r.scenario.file) ?? -1;
    if (r.finished && at >= 0) continue;
    report ??= {
      schemaVersion: SCHEMA_VERSION,
      seepVersion,
      runId: path.basename(path.resolve(runDir)),
      startedAt: r.scenario.startedAt,
      finishedAt: r.scenario.finishedAt,
      host: await hostInfo(),
      verdict: 'error',
      exitCode: 2,
      scenarios: [],
    };
    if (at >= 0) report.scenarios[at] = r.scenario;
    else report.scenarios.push(r.scenario);
    rebuilt.push(path.basename(stream));
  }
  if (!report) return null;
  Object.assign(report, runOutcome(report.scenarios));
  report.finishedAt = report.scenarios.map((s) => s.finishedAt).reduce((a, b) => (a > b ? a : b), report.finishedAt);
  return { report, rebuilt };
}
