// The extra steps suspect naming takes between its first two looks: as many as the per-step rule
// needs, paced as the measured steps were, under the scenario's load for a soak, and cut when the
// attribution budget must keep the rest for the looks still to come.
import { MIN_ATTRIBUTION_STEPS, type AttributionBudget } from '../agents/attributionBudget.ts';
import { soakLoadOf, type RunPlan } from '../scenario/runPlan.ts';
import { startAttributionLoad } from './attributionLoad.ts';
import type { MeasuredRun } from './evidenceCollectors.ts';
import { sleep } from './raceStep.ts';
import type { RunTarget } from './runTarget.ts';

type StepsPlan = Pick<RunPlan, 'settleMs' | 'pace' | 'attributionSteps' | 'load' | 'measure'>;

export interface StepsContext {
  target: Pick<RunTarget, 'baseUrl'>;
  now(): number;
  note(message: string): void;
}

/**
 * What the budget must still hold after the extra steps: the two looks to come, the search for the
 * suspects' places (retainer paths, referrer chains) after the last, each about as long as the
 * first look (a 9 s snapshot's retainer paths took 3 s of CPU), and the settle. Without the places
 * in it the middle look could take their time: onTick() was then named with no place.
 */
export function afterStepsMs(plan: Pick<RunPlan, 'settleMs'>, lookMs: number): number {
  return 3 * lookMs + plan.settleMs;
}

/** the extra steps between the first two looks; how many were taken */
export async function attributionSteps(plan: StepsPlan, o: StepsContext, at: { run: MeasuredRun; budget: AttributionBudget; lookMs: number }): Promise<number> {
  const { run, budget } = at;
  // the extra steps get what the two looks still to come, the places (each about as long as the
  // first look) and the settle will not need
  const reserveMs = afterStepsMs(plan, at.lookMs);
  // paced steps (below) cost their pauses: the fewest the per-step rule needs, not the full 20
  const extra = Math.min(run.steps - run.warmupSteps, plan.pace.kind === 'none' ? plan.attributionSteps : Math.min(plan.attributionSteps, MIN_ATTRIBUTION_STEPS));
  // a soak under load grows by its load: it runs again while the extra steps do
  const sent = soakLoadOf(plan);
  const load = sent
    ? startAttributionLoad(sent.spec, { baseUrl: () => o.target.baseUrl(), now: o.now, maxMs: Math.max(1000, budget.remainingMs() - reserveMs), onError: o.note })
    : null;
  try {
    let attributed = 0;
    for (; attributed < extra && !run.signal.aborted; attributed++) {
      // a few steps whatever the time: with none, nothing can be seen growing per step
      if (attributed >= MIN_ATTRIBUTION_STEPS && budget.remainingMs() < reserveMs) {
        budget.cut(`steps between the first two looks cut to ${attributed} of ${extra}: the first look took ${(at.lookMs / 1000).toFixed(1)} s`);
        break;
      }
      const n = run.steps + attributed;
      if (!(await run.extraStep(n, `step ${n + 1} (naming suspects)`))) break;
      // paced as the measured steps were: a target that works on its own clock (a daemon the
      // steps only pace) grows between the looks by time, so steps back to back would show it
      // growing by nothing per step (the bs4 monitor's trees: no suspect at all)
      if (plan.pace.kind !== 'none') await sleep(Math.min(plan.pace.ms, Math.max(0, budget.remainingMs() - reserveMs)), run.signal);
    }
    return attributed;
  } finally {
    await load?.stop();
  }
}
