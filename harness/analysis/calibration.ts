// `--calibrate`, judged: what to plant after a passing run (the smallest leak its leak checks said
// they would have caught), and whether the run with that leak planted caught it. Pure: the runner
// does the second run (runner/calibrationRun.ts).
import type { Calibration, Check, CheckId, ScenarioReport } from '../report/runReportSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';

const CALIBRATED: CheckId[] = ['leak.heap', 'leak.rss'];
/** planted sizes are rounded up to this, so the report names a size people read (16 KiB, not 15,873 B) */
const ROUND_TO = 1024;

export type CalibrationPlan = { plant: number; sizedBy: Check } | { notRun: string };

/** The leak to plant after this run, or why there is none. */
export function planCalibration(plan: Pick<RunPlan, 'measure' | 'target'>, first: ScenarioReport): CalibrationPlan {
  if (first.verdict !== 'pass') return { notRun: `the run ${first.verdict === 'error' ? 'errored' : 'failed'}; a calibration follows a passing run` };
  if (!('steps' in plan.measure)) return { notRun: 'a soak judges growth per hour; calibration plants a leak per step in counted runs' };
  if (plan.target.kind === 'cli') return { notRun: 'a CLI scenario has no process that lives across steps to plant a leak in' };
  if (plan.target.kind === 'attached') return { notRun: 'seep attached to a process it did not start: no agent was injected to plant a leak through' };
  if (!first.target.runtime) return { notRun: 'the target has no agent to plant a leak through (only Node and Python targets have one)' };
  const leakChecks = first.checks.filter((c) => CALIBRATED.includes(c.id));
  if (leakChecks.length === 0) return { notRun: 'no default leak check ran on RSS or the heap (a budget on RSS replaces leak.rss, heapGrowth replaces leak.heap; a Python heap is read only where it is traced)' };
  const stated = leakChecks.filter((c) => c.detectable && c.detectable.per === 'iteration');
  if (stated.length === 0) return { notRun: `${leakChecks.map((c) => c.id).join(' and ')} could not state what they would have caught (too few measured iterations for the trend test)` };
  // on a tie the heap sizes it: RSS lags a small leak while the allocator reuses memory it freed (a
  // Python target's RSS stayed flat under 40 x 4 KiB planted, measured), the heap after GC does not
  const rank = (c: Check) => c.detectable!.slope - (c.id === 'leak.heap' ? 0.5 : 0);
  const sizedBy = stated.reduce((a, b) => (rank(b) < rank(a) ? b : a));
  return { plant: Math.ceil(sizedBy.detectable!.slope / ROUND_TO) * ROUND_TO, sizedBy };
}

function calibrationCheck(calibration: Calibration, pass: boolean, resource: Check['resource'], observed: number, measured = true): Check {
  const c: Check = { id: 'calibration', resource, kind: 'leak', observed, unit: 'B/iteration', pass, message: calibration.message };
  if (!measured) c.measured = false;
  return c;
}

/** The calibration that did not run, as a check that says why (a silent skip would read as a pass). */
export function calibrationNotRun(why: string): { calibration: Calibration; check: Check } {
  const calibration: Calibration = { outcome: 'not run', message: `not run: ${why}` };
  return { calibration, check: calibrationCheck(calibration, true, 'heap', 0, false) };
}

/** Did the run with the leak planted fail the check that sized it? */
export function judgeCalibration(plant: number, sizedBy: Check, planted: ScenarioReport): { calibration: Calibration; check: Check } {
  const size = `${formatBytes(plant)}/iteration`;
  if (planted.verdict === 'error') {
    const calibration: Calibration = { outcome: 'not run', plantedPerStep: plant, sizedBy: sizedBy.id, message: `planting ${size} failed: ${planted.error ?? 'the planted run errored'}` };
    return { calibration, check: calibrationCheck(calibration, false, sizedBy.resource, plant) };
  }
  const caughtBy = planted.checks.filter((c) => !c.pass && c.kind === 'leak').map((c) => c.id);
  const caught = caughtBy.includes(sizedBy.id);
  const others = caughtBy.filter((id) => id !== sizedBy.id);
  const message = caught
    ? `planted ${size} → caught by ${[sizedBy.id, ...others].join(', ')}`
    : `planted ${size} (what ${sizedBy.id} said it would catch) → missed by ${sizedBy.id}${others.length ? ` (caught by ${others.join(', ')})` : ''}: this run's gate is weaker than it claims`;
  const calibration: Calibration = { outcome: caught ? 'caught' : 'missed', plantedPerStep: plant, sizedBy: sizedBy.id, caughtBy, message };
  return { calibration, check: calibrationCheck(calibration, caught, sizedBy.resource, plant) };
}
