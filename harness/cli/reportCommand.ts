// `seep report <run-dir>`: re-render every view of a run, rebuilding it from its sample stream first
// when seep did not finish it.
import path from 'node:path';
import type { ExitCode, Report } from '../report/runReportSchema.ts';
import { readJsonReport, REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { printSummary, terminalOptions } from '../reporters/terminal/index.ts';
import { rebuildRun } from '../assembly/rebuildRun.ts';
import { SEEP_VERSION } from '../seepVersion.ts';
import { UsageError, type Values } from './options.ts';
import { renderOutputs } from './renderOutputs.ts';

export async function reportCommand(args: string[], values: Values): Promise<ExitCode> {
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
