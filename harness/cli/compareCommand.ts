// `seep compare <before> <after>`: two stored runs of the same scenarios, figure by figure, in the
// terminal and as a page. Exit 0 after is not worse, 1 it is (beyond --tolerance), 2 the runs cannot
// be compared or a file is wrong (named, with the field); nothing is deleted.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitCode } from '../report/runReportSchema.ts';
import { compareRuns } from '../analysis/compareRuns.ts';
import { DEFAULT_TOLERANCE } from '../analysis/slopeDifference.ts';
import { OutputError } from '../reporters/jsonReporter.ts';
import { renderComparisonPage } from '../reporters/html/comparisonPage.ts';
import { comparisonLines } from '../reporters/terminal/comparisonTable.ts';
import { terminalOptions } from '../reporters/terminal/index.ts';
import { toleranceFlag, UsageError, type Values } from './options.ts';
import { readStoredRun, StoredRunError } from './readStoredRun.ts';

/** A file seep was asked to write, its folder made; a failure is an OutputError naming it (exit 2). */
export async function writeOutput(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (err) {
    throw new OutputError(`${file}: cannot write: ${(err as Error).message}`);
  }
}

/** Where the page goes unless --html says: beside the after run's report, named for the before run. */
function defaultPage(after: string, beforeRunId: string): string {
  const dir = path.extname(after) === '.json' ? path.dirname(after) : after;
  return path.join(dir, `compare-${beforeRunId.replace(/[^\w.-]/g, '_')}.html`);
}

export async function compareCommand(args: string[], values: Values): Promise<ExitCode> {
  const [beforeArg, afterArg, extra] = args;
  if (!beforeArg || !afterArg || extra) throw new UsageError('seep compare takes two runs: <before> <after> (run folders or report.json files)');
  if (values.baseline !== undefined) throw new UsageError('--baseline: is for seep run; seep compare takes the stored run as <before>');
  const tolerance = toleranceFlag(values.tolerance, DEFAULT_TOLERANCE);
  let runs;
  try {
    runs = await Promise.all([readStoredRun(beforeArg), readStoredRun(afterArg)]);
  } catch (err) {
    if (!(err instanceof StoredRunError)) throw err;
    console.error(`seep: ${err.message}`);
    return 2;
  }
  const comparison = compareRuns(runs[0], runs[1], { tolerance });
  const color = terminalOptions(process.env, process.stdout).color;
  for (const line of comparisonLines(comparison, { color })) console.log(line);
  if (comparison.exitCode === 2) {
    console.error(`seep: cannot compare ${beforeArg} and ${afterArg}: ${comparison.incomparable.join('; ')}`);
    return 2;
  }
  const page = path.resolve(values.html ?? defaultPage(afterArg, comparison.before.runId));
  await writeOutput(page, await renderComparisonPage(comparison));
  if (values.json) await writeOutput(path.resolve(values.json), JSON.stringify(comparison, null, 1) + '\n');
  console.log(`\ncomparison: ${path.relative(process.cwd(), page)}`);
  return comparison.exitCode;
}
