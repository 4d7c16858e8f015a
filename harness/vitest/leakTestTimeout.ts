// How long a leak test may take, from its plan alone, so that nobody tunes a vitest timeout by
// hand: the longest the engine lets each part of the run last before it ends the run itself. A
// counted run is bounded by its steps (each raced against the step timeout), a soak by its duration;
// both add the target's start-up, the settle, the time for naming suspects and the stop. The engine
// gives up first; this only catches a run that hangs where nothing bounds it.
import { attributionBudgetMs, MAX_STRETCH, MIN_ATTRIBUTION_STEPS } from '../agents/attributionBudget.ts';
import { LOAD_TIMEOUT_MS } from '../drivers/functionWorker.ts';
import { DEFAULT_READY_TIMEOUT_MS } from '../drivers/service.ts';
import type { RunPlan } from '../scenario/runPlan.ts';

/** settle.ts polls counted resources back to their baseline with backoff: 100+250+500+1000+2000 ms, and a read each */
const SETTLE_POLLS_MS = 5_000;
/** stopping the target (5 s grace, then SIGKILL), killing what carries the run cookie, the report and its HTML */
const STOP_AND_REPORT_MS = 30_000;

function startUpMs(plan: RunPlan): number {
  if (plan.target.kind === 'service') return plan.target.ready.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  if (plan.target.kind === 'module') return LOAD_TIMEOUT_MS;
  return 0;
}

export function leakTestTimeoutMs(plan: RunPlan): number {
  const step = plan.stepTimeoutMs + (plan.pace.kind === 'none' ? 0 : plan.pace.ms);
  const counted = 'steps' in plan.measure ? plan.measure.steps : null;
  const warmupSteps = 'steps' in plan.warmup ? plan.warmup.steps : 0;
  // a soak's duration counts from its start, warmup included; the step in flight when it ends may take its whole timeout
  const stepsMs = counted !== null ? (warmupSteps + counted) * step : ('ms' in plan.measure ? plan.measure.ms : 0) + step;
  const measuredMs = counted !== null ? counted * step : stepsMs;
  // the extra steps between the agents' looks share the attribution deadline, except the first few, which always run
  const alwaysSteps = Math.min(MIN_ATTRIBUTION_STEPS, plan.attributionSteps, counted ?? Infinity);
  // the budget is counted in the looks' CPU time: on a busy machine it may take up to MAX_STRETCH times as long on the wall clock
  const attributionMs = MAX_STRETCH * attributionBudgetMs(measuredMs) + alwaysSteps * step + plan.settleMs;
  const hooksMs = (plan.setup ? plan.stepTimeoutMs : 0) + (plan.teardown ? plan.stepTimeoutMs : 0);
  const once = startUpMs(plan) + hooksMs + stepsMs + plan.settleMs + SETTLE_POLLS_MS + attributionMs + STOP_AND_REPORT_MS;
  // a calibrated run runs the scenario a second time, with a leak planted
  return plan.calibrate ? 2 * once : once;
}
