// The pause after each step: 'rate' starts a step every `ms` (behind schedule, the missed starts
// are skipped rather than fired in a burst), 'interval' pauses `ms` after each, 'none' only yields
// so that the timers (the sampler, the stream's flush) get their turn. A pause never runs past the
// end of a soak, nor past the end of a timed warmup.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { Phase } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { sleep } from './raceStep.ts';

export function stepPacing(plan: Pick<RunPlan, 'pace' | 'warmup' | 'measure'>, now: () => number, signal: AbortSignal): (phase: Phase) => Promise<void> {
  const durationMs = 'ms' in plan.measure ? plan.measure.ms : Infinity;
  let nextStart = now();
  return async (phase) => {
    const until = Math.min(durationMs, phase === 'warmup' && 'ms' in plan.warmup ? Math.max(now(), plan.warmup.ms) : Infinity);
    if (plan.pace.kind === 'rate') {
      nextStart = Math.max(nextStart + plan.pace.ms, now());
      await sleep(Math.min(nextStart, until) - now(), signal);
    } else if (plan.pace.kind === 'interval') {
      await sleep(Math.min(plan.pace.ms, until - now()), signal);
    } else {
      await yieldLoop();
    }
  };
}
