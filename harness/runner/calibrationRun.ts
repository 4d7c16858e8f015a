// `--calibrate`: after a passing counted run, the same scenario once more with a known leak planted
// through the agent after every measured step, and the report of the first run told whether it was
// caught (a missed calibration fails it). The planted run's sample stream sits beside the first's.
import { calibrationNotRun, judgeCalibration, planCalibration } from '../analysis/calibration.ts';
import type { ScenarioReport } from '../report/runReportSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { scenarioVerdict } from '../analysis/verdict.ts';
import { runScenario, type RunScenarioOptions } from './runScenario.ts';

export async function calibrate(plan: RunPlan, first: ScenarioReport, opts: RunScenarioOptions): Promise<ScenarioReport> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const planned = planCalibration(plan, first);
  let judged;
  if ('notRun' in planned) {
    judged = calibrationNotRun(planned.notRun);
  } else {
    log(`seep: ${plan.name}: calibrating: the run again with ${formatBytes(planned.plant)} planted per measured step (what ${planned.sizedBy.id} said it would catch)`);
    // quiet: the planted run is not a scenario of its own in the progress lines
    const planted = await runScenario(plan, { ...opts, progress: undefined, onLive: undefined, metrics: undefined, plant: planned.plant });
    judged = judgeCalibration(planned.plant, planned.sizedBy, planted);
  }
  const checks = [...first.checks, judged.check];
  return { ...first, checks, calibration: judged.calibration, verdict: scenarioVerdict(checks, first.error) };
}
