// What must not be left behind: processes that outlived their step or service, files that grow,
// and lines the target must never print.
import type { Check } from '../report/runReportSchema.ts';
import type { BudgetPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';

export function orphanCheck(obs: Observations, budget: number | undefined): Check {
  const max = budget ?? 0;
  const n = obs.orphans.length;
  const check: Check = {
    id: budget === undefined ? 'leak.orphans' : 'budget.orphans',
    resource: 'orphans',
    kind: budget === undefined ? 'leak' : 'budget',
    limitValue: max,
    observed: n,
    unit: 'processes',
    // drawn on the children chart, against the processes seen to escape the tree
    series: 'escaped',
    limitLine: max,
    pass: n <= max,
    message: n === 0
      ? 'no process left behind'
      : `${n} process${n === 1 ? '' : 'es'} left alive after ${obs.targetKind === 'cli' ? 'the command exited' : 'the target ended'}: ${obs.orphans.slice(0, 3).map((o) => `${o.id} ${o.detail}`).join('; ')}`,
  };
  if (budget !== undefined) check.limit = String(budget);
  if (n > 0) check.leftovers = obs.orphans.slice(0, 50);
  return check;
}

export function patternKey(p: string | RegExp): string {
  return typeof p === 'string' ? p : String(p);
}

export function outputChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  return budgets.forbid.map((p) => {
    const key = patternKey(p);
    if (obs.outputUnread) return notMeasured(`budget.output.forbid:${key}`, 'output', { written: key, value: 0 }, 'lines', obs.outputUnread);
    const count = obs.output.forbidCounts[key] ?? 0;
    const example = obs.output.forbidExamples[key]?.[0];
    return {
      id: `budget.output.forbid:${key}`,
      resource: 'output',
      kind: 'budget',
      limit: key,
      limitValue: 0,
      observed: count,
      unit: 'lines',
      pass: count === 0,
      message: count === 0 ? `no line matched ${key}` : `${count} line${count === 1 ? '' : 's'} matched ${key}, first: ${example ?? '(not kept)'}`,
    } satisfies Check;
  });
}

/**
 * Known leak warnings (scenario/leakWarnings.ts) are leaks with no budget: one check, failing when
 * any was printed while the steps ran, naming each with its count and first line. What the target
 * printed while it started, before the first step, is its start-up's: reported, not counted. A
 * Python warning raised as an interpreter finalizes (`sys:1:`, a recycled worker exiting) is an exit's. At shutdown a
 * warning counts only when printed at least once per two measured steps (tasks or loops made per
 * step and destroyed at exit); a one-off at exit is reported, not failed. Lines the scenario allows
 * are not counted. Present for every run whose output was watched for them.
 */
export function warningCheck(obs: Observations): Check | null {
  const counts = obs.output.warningCounts;
  if (!counts) return null;
  if (obs.outputUnread) return { ...notMeasured('leak.warnings', 'output', { written: '0', value: 0 }, 'lines', obs.outputUnread), kind: 'leak' };
  const atExit = obs.output.shutdownWarningCounts ?? {};
  const perStep = Math.max(2, obs.measuredIterations / 2);
  const judged = Object.keys(counts).map((name) => {
    const exit = atExit[name] ?? 0;
    return { name, run: counts[name] ?? 0, exit, exitCounts: exit >= perStep };
  });
  const failing = judged.filter((w) => w.run > 0 || w.exitCounts);
  const total = failing.reduce((sum, w) => sum + w.run + (w.exitCounts ? w.exit : 0), 0);
  const excused = judged.filter((w) => w.exit > 0 && !w.exitCounts).map((w) => `${w.name} x${w.exit} at exit, the service's shutdown or a process's (fewer than one per two measured steps: not counted)`);
  // printed before the first step: the target's start-up, which is no step's doing
  for (const [name, n] of Object.entries(obs.output.startupWarningCounts ?? {})) {
    if (n > 0) excused.push(`${name} x${n} while starting, before the first step (start-up: reported, not judged)`);
  }
  const found = failing.map((w) => {
    const first = obs.output.warningExamples?.[w.name]?.[0];
    return `${w.name} x${w.run + (w.exitCounts ? w.exit : 0)}${w.exitCounts ? ` (${w.exit} at exit)` : ''}${first ? `, first: ${first}` : ''}`;
  });
  return {
    id: 'leak.warnings', resource: 'output', kind: 'leak', limitValue: 0, observed: total, unit: 'lines', pass: total === 0,
    message: [total === 0 ? `no known leak warning printed (${judged.length} watched)` : found.join('; '), ...excused].join('; '),
  };
}

export function fileChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  return budgets.files.map(({ path: file, limit: { written: limit, value: max } }) => {
    const size = obs.fileSizes[file] ?? 0;
    // a folder: all it holds, at any depth
    const entries = obs.fileEntries?.[file];
    return {
      id: `budget.files:${file}`,
      resource: 'files',
      kind: 'budget',
      limit,
      limitValue: max,
      observed: size,
      unit: 'B',
      pass: size <= max,
      message: entries === undefined
        ? `${file} is ${formatBytes(size)}${obs.fileSizes[file] === null ? ' (does not exist)' : ''} (budget ${formatBytes(max)})`
        : `${file} holds ${formatBytes(size)} in ${entries} entr${entries === 1 ? 'y' : 'ies'} (budget ${formatBytes(max)})`,
    } satisfies Check;
  });
}
