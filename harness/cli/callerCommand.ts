// `seep caller --fd N [--report-dir DIR] [--json FILE] < test.json`: seep's engine run on the process
// that started it (a test runner's plugin: the pytest plugin, agents/python/seep_caller.py), which
// serves the test's body and the agent's ops on the socket at fd N. The test comes on stdin: its
// scenario fields (the marker's keywords), validated and planned as a scenario file's are, where it
// comes from, and the name its body is called by. Prints the verdict with every check and the top
// suspects; --report-dir writes the run's folder (report.json, HTML) under DIR, --json the report.
// Exit 0 pass, 1 a check failed, 2 the test could not be judged or the input is wrong.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ExitCode } from '../report/runReportSchema.ts';
import { validateScenario } from '../scenario/scenarioSchema.ts';
import { planRun, type RunPlan } from '../scenario/runPlan.ts';
import type { StepContext } from '../scenario/types.ts';
import { openRunRecord } from '../runner/runRecord.ts';
import { killCookieProcessesNow } from '../runner/emergencyReaper.ts';
import { checkLine, scenarioEndLines } from '../reporters/terminal/scenarioVerdict.ts';
import { makeStyle } from '../reporters/terminal/style.ts';
import { terminalOptions } from '../reporters/terminal/index.ts';
import { writeJsonReport } from '../reporters/jsonReporter.ts';
import { renderOutputs } from './renderOutputs.ts';
import { UsageError, wholeNumber, type Values } from './options.ts';

const testDocument = z.strictObject({
  /** the scenario's fields as a scenario file writes them, but the target and the step */
  scenario: z.record(z.string(), z.unknown()),
  /** the test file, relative to root */
  file: z.string(),
  /** the project's root: budgets' files are relative to it, ctx.exec runs in it */
  root: z.string().min(1),
  /** how the report names the target: ['pytest', '<node id>'] */
  command: z.array(z.string()).min(1),
  /** the name the caller serves its body by */
  call: z.string().min(1),
  /** the runtime of the caller's agent: Python's (the pytest plugin) is the only caller there is */
  runtime: z.enum(['python']),
});

/**
 * The scenario fields a test run in its own process can have: no target of its own (service,
 * module), no load, no memoryLimit (its cgroup is its test runner's), no second run (calibrate).
 */
const CALLER_FIELDS = new Set(['name', 'iterations', 'warmup', 'duration', 'settleMs', 'stepTimeoutMs', 'rate', 'interval', 'sampleHz', 'budgets', 'alerts', 'abortOnFail']);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The test's plan and the project root, or the problems that stop it, each on a line naming its field. */
function planTest(text: string, fd: number): { plan: RunPlan; root: string } | string[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return [`stdin: not JSON: ${(err as Error).message}`];
  }
  const doc = testDocument.safeParse(value);
  if (!doc.success) return doc.error.issues.map((i) => `stdin: ${i.path.join('.') || '(document)'}: ${i.message}`);
  const { scenario, file, root, command, call, runtime } = doc.data;
  const foreign = Object.keys(scenario).filter((k) => !CALLER_FIELDS.has(k));
  if (foreign.length > 0) return foreign.map((k) => `${k}: not for a test its own process runs (${[...CALLER_FIELDS].join(', ')})`);
  const checked = validateScenario({ ...scenario, step: ({ call: run }: StepContext) => run(call) });
  if (!checked.ok) return checked.problems.map((p) => `${p.field}: ${p.message}`);
  return { plan: planRun(checked.scenario, file, { caller: { fd, runtime, command } }), root };
}

export async function callerCommand(args: string[], values: Values): Promise<ExitCode> {
  if (args.length > 0) throw new UsageError(`seep caller takes the test on stdin, not '${args[0]}'`);
  const fd = wholeNumber('fd', values.fd, 3);
  if (fd === undefined) throw new UsageError('seep caller needs --fd: the socket to the process that started it');
  const planned = planTest(await readStdin(), fd);
  if (Array.isArray(planned)) {
    console.error(`seep: the test cannot be run:\n${planned.map((p) => `  ${p}`).join('\n')}`);
    return 2;
  }
  const { plan, root } = planned;
  const reportsRoot = values['report-dir'] ? path.resolve(values['report-dir']) : await mkdtemp(path.join(os.tmpdir(), 'seep-caller-'));
  const abort = new AbortController();
  let signals = 0;
  const onSignal = () => {
    if (++signals === 1) abort.abort();
    else {
      killCookieProcessesNow();
      process.exit(2);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const record = await openRunRecord({ reportsRoot });
    const s = await record.run(plan, { repoRoot: root, signal: abort.signal });
    const style = makeStyle(terminalOptions(process.env, process.stdout).color);
    // every check, passing ones too: a test's output says what was judged, not only what failed
    const lines = scenarioEndLines(s, style);
    lines.splice(1, 0, ...s.checks.filter((c) => c.pass).map((c) => checkLine(c, style)));
    console.log(lines.join('\n'));
    if (values['report-dir']) {
      await renderOutputs(record.report, record.runDir, values);
      console.log(`report: ${path.join(record.runDir, 'index.html')}`);
    } else if (values.json) {
      await writeJsonReport(record.report, path.resolve(values.json));
    }
    if (abort.signal.aborted) {
      // judged on what it saw, as seep run does; but a test is not passed on a measurement cut short
      console.error('seep: interrupted by a signal: the test was not measured to its end');
      return 2;
    }
    return record.report.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!values['report-dir']) await rm(reportsRoot, { recursive: true, force: true });
  }
}
