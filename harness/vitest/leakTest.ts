// `leakTest(name, scenario)`: one vitest test that runs a scenario through seep's engine, the same
// path as `seep run` (planned once, run, recorded in the test file's run, rendered), with a timeout
// computed from the plan. A leak fails it with an assertion error naming the failing checks, the
// suspects and the report; a run that could not happen (the target did not start, a step threw)
// fails it as an error with the cause; a pass says nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it, type TestContext } from 'vitest';
import type { Scenario } from '../scenario/types.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';
import { validateScenario } from '../scenario/scenarioSchema.ts';
import { ScenarioFileError } from '../scenario/loadScenario.ts';
import { planRun, type RunPlan } from '../scenario/runPlan.ts';
import { renderRun } from '../reporters/renderRun.ts';
import { leakTestMessage } from '../reporters/leakTestMessage.ts';
import { errorScenario } from '../runner/runRecord.ts';
import { leakTestTimeoutMs } from './leakTestTimeout.ts';
import { testFileRun } from './testFileRun.ts';

/** A scenario as a leak test takes it: its name is the test's. */
export type LeakTestScenario = Omit<Scenario, 'name'> & { name?: string };

export interface LeakTestOptions {
  /**
   * where the run folder goes, relative to the project root: default $SEEP_REPORT_DIR, else the
   * project's reports/ (as for `seep run`)
   */
  reportDir?: string;
}

/** The leak test found a leak (or a budget was exceeded): a finding, as an assertion failure is. */
export class LeakAssertionError extends Error {
  override name = 'LeakAssertionError';
}

/** The leak test could not run: not a finding, and never a pass. */
export class LeakTestError extends Error {
  override name = 'LeakTestError';
}

const THIS_FILE = fileURLToPath(import.meta.url);
/** how long an aborted run may take to stop its target, take the last reads and write its report */
const STOP_MS = 60_000;

/** The stack of the leakTest() call, so that vitest points at the test, not at seep. */
function callSite(): string[] {
  return (new Error().stack ?? '').split('\n').slice(1).filter((l) => !l.includes(THIS_FILE));
}

function withStack<E extends Error>(err: E, frames: string[]): E {
  err.stack = [`${err.name}: ${err.message}`, ...frames].join('\n');
  return err;
}

type Planned = { ok: true; plan: RunPlan } | { ok: false; problem: string };

function planLeakTest(name: string, scenario: LeakTestScenario): Planned {
  const checked = validateScenario({ ...scenario, name });
  if (!checked.ok) return { ok: false, problem: new ScenarioFileError(name, checked.problems).detail };
  try {
    return { ok: true, plan: planRun(checked.scenario, '') };
  } catch (err) {
    return { ok: false, problem: (err as Error).message };
  }
}

async function runLeakTest(name: string, planned: Planned, options: LeakTestOptions, ctx: TestContext, frames: string[]): Promise<void> {
  const { record, projectRoot, file } = await testFileRun(ctx.task.file.filepath, options.reportDir);
  let result: ScenarioReport;
  if (planned.ok) {
    const running = record.run({ ...planned.plan, file }, { repoRoot: projectRoot, signal: ctx.signal });
    // past vitest's timeout (the signal aborts the run), the next test waits for this one's target to be stopped
    ctx.onTestFinished(() => running.then(() => undefined, () => undefined), STOP_MS);
    result = await running;
  } else {
    result = errorScenario(file, name, planned.problem);
    await record.add([result]);
  }
  await renderRun(record.report, record.runDir);
  if (result.verdict === 'pass') return;
  // relative to where vitest runs, when the reports are below it
  const shown = (p: string) => {
    const rel = path.relative(process.cwd(), p);
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
  };
  const message = leakTestMessage(result, { page: shown(path.join(record.runDir, 'index.html')), runDir: shown(record.runDir) });
  throw withStack(result.verdict === 'error' ? new LeakTestError(message) : new LeakAssertionError(message), frames);
}

/** What leakTest registers: the computed timeout and the test's body (seep's own tests run a leaky twin's body to assert on its failure). */
export function leakTestCase(name: string, scenario: LeakTestScenario, options: LeakTestOptions = {}): { timeout: number; run: (ctx: TestContext) => Promise<void> } {
  const frames = callSite();
  const planned = planLeakTest(name, scenario);
  // a scenario that cannot be planned still gets its test, which errors with the problem (and is in the report)
  const timeout = planned.ok ? leakTestTimeoutMs(planned.plan) : 60_000;
  return { timeout, run: (ctx) => runLeakTest(name, planned, options, ctx, frames) };
}

/**
 * Registers one vitest test that runs `scenario` through seep. Its timeout is computed from the
 * scenario (its steps times the step timeout, or its duration, plus start-up, settle, naming the
 * suspects and stopping): never set one by hand.
 */
export function leakTest(name: string, scenario: LeakTestScenario, options: LeakTestOptions = {}): void {
  const { timeout, run } = leakTestCase(name, scenario, options);
  it(name, { timeout }, run);
}
