// `seep merge <run-dir>... --into <dir>`: the shard runs of `seep run --shard i/n` joined into one
// run folder, rendered as `seep report` renders a run. Everything is checked before anything is
// written, and nothing is ever deleted: a refused merge leaves the shards and --into as they were.
import { cp, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ExitCode, Report } from '../report/runReportSchema.ts';
import { mergeShards, type ShardRun } from '../assembly/mergeShards.ts';
import { newRunId } from '../assembly/runId.ts';
import { readJsonReport, REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { SUMMARY_FILE } from '../reporters/html/runIndex.ts';
import { formatDuration } from '../reporters/formatValue.ts';
import { printSummary, terminalOptions } from '../reporters/terminal/index.ts';
import { UsageError, type Values } from './options.ts';
import { renderOutputs } from './renderOutputs.ts';

/** What a run folder holds that is drawn from its report, and so is written anew for the merged run. */
const VIEWS = new Set([REPORT_FILE, SUMMARY_FILE, 'index.html']);

/** Files of a shard's folder the merged run keeps (sample streams, snapshots), relative to it. */
async function keptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && !(e.parentPath === dir && VIEWS.has(e.name)))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

/**
 * The run folder a shard's argument names: the folder itself when it holds report.json, else the
 * one run in it (a shard's --report-dir, as a CI artifact downloads it). Several runs there: ambiguous.
 */
async function shardRunDir(arg: string): Promise<string> {
  const dir = path.resolve(arg);
  if (await stat(path.join(dir, REPORT_FILE)).catch(() => null)) return dir;
  const subdirs = await readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new Error(`${arg}: cannot read the run directory: ${err.message}`);
  });
  const runs: string[] = [];
  for (const d of subdirs) if (d.isDirectory() && (await stat(path.join(dir, d.name, REPORT_FILE)).catch(() => null))) runs.push(d.name);
  if (runs.length === 1) return path.join(dir, runs[0]!);
  if (runs.length === 0) throw new Error(`${arg}: no ${REPORT_FILE} in it or in a run folder below it`);
  throw new Error(`${arg} holds ${runs.length} runs (${runs.sort().join(', ')}): name the shard's run folder`);
}

function refuse(problems: string[]): ExitCode {
  for (const p of problems) console.error(`seep merge: ${p}`);
  console.error('seep merge: nothing was written');
  return 2;
}

export async function mergeCommand(args: string[], values: Values): Promise<ExitCode> {
  if (args.length === 0) throw new UsageError('seep merge takes the run directories of the shards');
  if (!values.into) throw new UsageError('seep merge: --into <dir>: where the merged run goes');
  const into = path.resolve(values.into);
  const dirs: string[] = [];
  const parts: ShardRun[] = [];
  const unreadable: string[] = [];
  for (const arg of args) {
    try {
      const dir = await shardRunDir(arg);
      parts.push({ dir: path.relative(process.cwd(), dir) || '.', report: await readJsonReport(path.join(dir, REPORT_FILE)) });
      dirs.push(dir);
    } catch (err) {
      unreadable.push((err as Error).message);
    }
  }
  if (unreadable.length > 0) return refuse(unreadable);
  if (dirs.includes(into)) return refuse([`--into ${values.into} is one of the shards' run directories: choose a new folder`]);
  if (await stat(path.join(into, REPORT_FILE)).catch(() => null)) return refuse([`--into ${values.into} already holds a run (${REPORT_FILE}): choose a new folder`]);
  const merged = mergeShards(parts, newRunId());
  if (!merged.ok) return refuse(merged.problems);

  // a file two shards both kept (two scenarios whose names make the same slug) would overwrite one
  const from = new Map<string, string>();
  const clashes: string[] = [];
  for (const dir of dirs) {
    for (const f of await keptFiles(dir)) {
      if (from.has(f)) clashes.push(`${f} is in both ${path.relative(process.cwd(), from.get(f)!)} and ${path.relative(process.cwd(), dir)}`);
      else from.set(f, dir);
    }
  }
  if (clashes.length > 0) return refuse(clashes);
  for (const [f, dir] of from) await cp(path.join(dir, f), path.join(into, f), { errorOnExist: true, force: false });

  const report = merged.report;
  await writeJsonReport(report, path.join(into, REPORT_FILE));
  const written = await renderOutputs(report, into, values);
  printSummary(report, process.stdout, { color: terminalOptions(process.env, process.stdout).color });
  console.log(`\n${mergedTimes(report)}`);
  console.log(`report: ${path.relative(process.cwd(), path.join(into, 'index.html'))}  (${written.length} files written)`);
  return report.exitCode;
}

/** The merged run's wall time (first shard's start to last shard's end) beside what the shards took. */
function mergedTimes(report: Report): string {
  const ms = (a: string, b: string) => new Date(b).getTime() - new Date(a).getTime();
  const shards = report.mergedFrom ?? [];
  const each = shards.map((s) => ms(s.startedAt, s.finishedAt));
  return `merged ${shards.length} shard${shards.length === 1 ? '' : 's'}: wall time ${formatDuration(ms(report.startedAt, report.finishedAt))}, ` +
    `longest shard ${formatDuration(Math.max(...each))}, shards together ${formatDuration(each.reduce((a, b) => a + b, 0))}`;
}
