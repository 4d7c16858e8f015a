// The step loop, one for counted runs and soaks, as k6's shared-iterations executor is a count and a
// maximum duration in one: warmup steps until the warmup is over (a count or a time), a boundary read
// that is the baseline, then measured steps until N steps or T ms, each followed by a boundary read
// (a counted run's after every step, a soak's on its checkpoint clock), paced as the plan says. A
// soak's load runs beside the steps. The run's abort (a signal, an early stop, a fatal death) ends
// the loop wherever it waits.
//
// A counted run's warmup of N steps reads boundaries only after its last few (warmupReadsFromStep):
// nothing in a boundary decides when such a warmup ends, and every aggregate and check takes the
// last warmup boundary as the baseline and judges from there. The few before the baseline are what the
// cadence times before it chooses its k (observeCadence.ts), and give the target forced GCs
// between its last warmup steps as between its measured ones. The reads before those were pure
// cost: 25 warmup boundaries took 3.3 s of a 21 s Express run, each a forced GC in every process.
import type { RunPlan } from '../scenario/runPlan.ts';
import type { Identities } from '../probes/sampler.ts';
import { formatElapsed } from '../analysis/soakChecks.ts';
import type { BoundaryReads } from './boundaryReads.ts';
import type { PacedObserver } from './observeCadence.ts';
import type { RunTarget } from './runTarget.ts';
import type { RunEnding } from './runEnding.ts';
import type { RunPosition } from './runPosition.ts';
import type { ScenarioSteps } from './scenarioSteps.ts';
import type { SoakLoad } from './soakLoad.ts';
import type { StepErrorPolicy } from './stepErrors.ts';
import { fullGcReuseMs } from './fullGcReuse.ts';
import { TIMED_BEFORE_CHOOSING } from './observeCadence.ts';
import { stepPacing } from './stepPacing.ts';

export interface Measured {
  /** the measured phase ran to its end, with no error: it is settled, and suspects are looked for */
  ended: boolean;
  /** how long the measured phase took */
  ms: number;
  /** the identities (processes, sockets, fds) at the baseline */
  baselineIds: Identities | null;
}

export interface StepLoopParts {
  target: RunTarget;
  position: RunPosition;
  reads: BoundaryReads;
  steps: ScenarioSteps;
  errors: StepErrorPolicy;
  load: SoakLoad;
  ending: RunEnding;
  observer: PacedObserver;
  signal: AbortSignal;
  now(): number;
  /** a counted run's steps, warmup included */
  total: number | null;
}

/** Warmup and measured steps, the load beside them, and the read that ends the measured phase. */
/** What of the plan the step loop reads. */
export type StepLoopPlanPart = Pick<RunPlan, 'measure' | 'warmup' | 'pace' | 'checkpointMs'>;

export async function measure(plan: StepLoopPlanPart, p: StepLoopParts): Promise<Measured> {
  const { position: pos, reads, now } = p;
  const counted = 'steps' in plan.measure;
  let baselineIds: Identities | null = null;
  const warmupOver = () => ('steps' in plan.warmup ? pos.warmupSteps >= plan.warmup.steps : now() >= plan.warmup.ms);
  const endWarmup = async () => {
    await reads.checkpoint('warmup'); // the baseline
    baselineIds = await reads.identities();
    pos.phase = 'measured';
    pos.measuredFromT = now();
    p.load.markMeasured();
  };
  p.load.start(p.target);
  await stepLoop(plan, p, warmupOver, endWarmup);
  p.ending.markInterrupted();
  await p.load.stop();
  if (p.ending.error() === undefined) {
    if (pos.phase === 'warmup' && !p.ending.interrupted() && !p.ending.stoppedEarly()) await endWarmup();
    if (pos.phase === 'measured' && !counted) await reads.checkpoint('measured'); // the end of the measured phase (a counted run read it after its last step)
  }
  const ended = p.ending.error() === undefined && pos.phase === 'measured';
  return { ended, ms: now() - pos.measuredFromT, baselineIds };
}

async function stepLoop(plan: StepLoopPlanPart, p: StepLoopParts, warmupOver: () => boolean, endWarmup: () => Promise<void>): Promise<void> {
  const { position: pos, now, signal } = p;
  const counted = 'steps' in plan.measure;
  const measureOver = () => ('steps' in plan.measure ? pos.steps - pos.warmupSteps >= plan.measure.steps : now() >= plan.measure.ms);
  const pause = stepPacing(plan, now, signal);
  let nextCheckpoint = now() + plan.checkpointMs;
  const warmupReadsFrom = warmupReadsFromStep(plan);
  while (!measureOver() && !signal.aborted) {
    if (pos.phase === 'warmup' && warmupOver()) await endWarmup();
    // CLI scenarios: each command's agent writes what it saw at exit, for the suspects (counted runs
    // only: a week of invocations must not pile up a file each)
    if (counted) p.target.cliDumps?.setPhase(pos.phase === 'warmup' ? 'warmup' : 'measured');
    const phase = pos.phase === 'settle' ? 'measured' : pos.phase;
    const what = counted ? `step (iteration ${pos.steps + 1} of ${p.total}, ${pos.phase})` : `step ${pos.steps + 1} (${pos.phase}, ${formatElapsed(now())} in)`;
    const before = p.errors.before();
    try {
      p.observer.step(await p.steps.step(pos.steps, phase, what));
      if (pos.phase === 'measured') await p.steps.plant();
      p.errors.succeeded();
    } catch (err) {
      if (signal.aborted) break;
      await p.errors.failed(err, before);
    }
    pos.steps++;
    if (pos.phase === 'warmup') pos.warmupSteps++;
    if (counted && pos.phase === 'warmup' && warmupOver()) {
      await endWarmup(); // the read after the last warmup step is the baseline
    } else if (now() >= nextCheckpoint && (pos.phase === 'measured' ? p.observer.readAfter(pos.steps - pos.warmupSteps, measureOver()) : pos.warmupSteps >= warmupReadsFrom)) {
      // a counted run's boundaries may be spaced, and a soak's clock stretched, where observing costs
      // more than the run can afford (observeCadence.ts); a soak's under way may reuse the target's own full GC
      await p.reads.checkpoint(pos.phase, fullGcReuseMs(plan));
      nextCheckpoint = now() + p.observer.nextIntervalMs();
    }
    await pause(pos.phase);
  }
}

/**
 * The warmup step from which on its boundaries are read. A counted run's warmup of N steps: after
 * its last TIMED_BEFORE_CHOOSING - 1 (with the baseline after the last they are the boundaries the
 * cadence times before it chooses, at the first measured step, as when every warmup step was read).
 * A warmup of a time, not known to be near its end, and a soak's, whose checkpoint clock they set:
 * after every step its clock allows.
 */
export function warmupReadsFromStep(plan: Pick<RunPlan, 'warmup' | 'measure'>): number {
  if (!('steps' in plan.warmup) || !('steps' in plan.measure)) return 0;
  return Math.max(0, plan.warmup.steps - (TIMED_BEFORE_CHOOSING - 1));
}
