// `seep judge <observations.json | ->`: the checks and verdict of what a test process measured of
// itself (the pytest plugin), by the judge `seep run` uses. Prints the verdict, the failed checks
// with their numbers and the top suspects; --report-dir writes report.json and the HTML page under
// <dir>/<run-id>/, --json the JSON report alone. Exit 0 pass, 1 fail, 2 error or a bad document.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitCode } from '../report/schema.ts';
import { hostInfo } from '../assembly/hostInfo.ts';
import { newRunId } from '../assembly/runId.ts';
import { REPORT_FILE, writeJsonReport } from '../reporters/jsonReporter.ts';
import { checkLine, scenarioEndLines } from '../reporters/terminal/scenarioVerdict.ts';
import { makeStyle } from '../reporters/terminal/style.ts';
import { terminalOptions } from '../reporters/terminal/index.ts';
import { SEEP_VERSION } from '../seepVersion.ts';
import { validateObservations } from '../judge/observationsDocument.ts';
import { judgeDocument } from '../judge/judgeDocument.ts';
import { UsageError, type Values } from './options.ts';
import { renderOutputs } from './renderOutputs.ts';

/** The options of `seep judge --prometheus`, meaningless for an observations file. */
const PROMETHEUS_FLAGS = ['query', 'metric', 'selector', 'range', 'step', 'at', 'limit-query', 'limit'] as const;

async function readInput(source: string): Promise<string> {
  if (source !== '-') return readFile(path.resolve(source), 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function judgeCommand(args: string[], values: Values): Promise<ExitCode> {
  if (values.prometheus !== undefined) return (await import('./judgePrometheus.ts')).judgePrometheusCommand(args, values);
  const stray = PROMETHEUS_FLAGS.find((f) => values[f] !== undefined);
  if (stray) throw new UsageError(`--${stray} goes with --prometheus <url>: seep judge reads an observations file otherwise`);
  const [source, extra] = args;
  if (!source || extra) throw new UsageError("seep judge takes exactly one observations file ('-' for stdin)");
  let value: unknown;
  try {
    value = JSON.parse(await readInput(source));
  } catch (err) {
    console.error(`seep: ${source}: cannot read observations: ${(err as Error).message}`);
    return 2;
  }
  const checked = validateObservations(value);
  if (!checked.ok) {
    console.error(`seep: ${source}: not an observations document:\n${checked.problems.map((p) => `  ${p.field}: ${p.message}`).join('\n')}`);
    return 2;
  }
  const runId = newRunId();
  const report = judgeDocument(checked.doc, { runId, seepVersion: SEEP_VERSION, host: await hostInfo() });
  const s = report.scenarios[0]!;
  const style = makeStyle(terminalOptions(process.env, process.stdout).color);
  // every check, passing ones too: a test's output says what was judged, not only what failed
  const lines = scenarioEndLines(s, style);
  const passing = s.checks.filter((c) => c.pass).map((c) => checkLine(c, style));
  lines.splice(1, 0, ...passing);
  console.log(lines.join('\n'));
  if (values['report-dir']) {
    const runDir = path.join(path.resolve(values['report-dir']), runId);
    await writeJsonReport(report, path.join(runDir, REPORT_FILE));
    await renderOutputs(report, runDir, values);
    console.log(`report: ${path.join(runDir, 'index.html')}`);
  } else if (values.json) {
    await writeJsonReport(report, path.resolve(values.json));
  }
  return report.exitCode;
}
