// The step loop, one for counted runs and soaks, as k6's shared-iterations executor is a count and a
// maximum duration in one: warmup steps until the warmup is over (a count or a time), a boundary read
// that is the baseline, then measured steps until N steps or T ms, each followed by a boundary read
// (a counted run's after every step, a soak's on its checkpoint clock), paced as the plan says. A
// soak's load runs beside the steps. The run's abort (a signal, an early stop, a fatal death) ends
// the loop wherever it waits.
//
// Every warmup step of a counted run is followed by a boundary, though none decides when the warmup
// ends: its forced GC is part of the state the measured phase starts from. Reading only the last
// three of 25 (the others' garbage then freed at once by the baseline's GC) made the RSS of the
// leaky express-buffers corpus target noisier over its measured steps (95% CI of its slope -16 to
// 126 KB a step, against 75 to 107 with every warmup step read), and leak.rss, which must fail it,
// passed in 2 of 4 runs at a load of ~22 (once in frameworkCorpusLeaky).
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { Phase } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { Identities } from '../probes/sampler.ts';
import { formatElapsed } from '../analysis/soakChecks.ts';
import type { BesidePart } from './besideSteps.ts';
import type { BoundaryReads } from './boundaryReads.ts';
import type { PacedObserver } from './observeCadence.ts';
import type { RunTarget } from './runTarget.ts';
import type { RunEnding } from './runEnding.ts';
import type { RunPosition } from './runPosition.ts';
import type { ScenarioSteps } from './scenarioSteps.ts';
import type { StepErrorPolicy } from './stepErrors.ts';
import { fullGcReuseMs } from './boundaryReads.ts';
import { sleep } from './raceStep.ts';
import { checkpointClock } from './checkpointClock.ts';

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
  /** what runs beside the steps (a soak's load): told when the loop begins, the measured phase begins, and the loop ends */
  beside: Required<Pick<BesidePart, 'atSteps' | 'atMeasured' | 'atStepsEnd'>>;
  ending: RunEnding;
  observer: PacedObserver;
  signal: AbortSignal;
  now(): number;
  /** a counted run's steps, warmup included */
  total: number | null;
}

/** What of the plan the step loop reads. */
export type StepLoopPlanPart = Pick<RunPlan, 'measure' | 'warmup' | 'pace' | 'checkpointMs'>;

/** Warmup and measured steps, what runs beside them (a soak's load), and the read that ends the measured phase. */
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
    p.beside.atMeasured();
  };
  p.beside.atSteps(p.target);
  await stepLoop(plan, p, warmupOver, endWarmup);
  p.ending.markInterrupted();
  await p.beside.atStepsEnd();
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
  const checkpoints = checkpointClock(now() + plan.checkpointMs);
  while (!measureOver() && !signal.aborted) {
    if (pos.phase === 'warmup' && warmupOver()) {
      await endWarmup();
      checkpoints.restart(now() + p.observer.nextIntervalMs()); // the measured phase's clock starts at its baseline
    }
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
    } else if (now() >= checkpoints.due() && (pos.phase !== 'measured' || p.observer.readAfter(pos.steps - pos.warmupSteps, measureOver()))) {
      // a counted run's boundaries may be spaced, and a soak's clock stretched, where observing costs
      // more than the run can afford (observeCadence.ts); a soak's under way may reuse the target's own full GC
      await p.reads.checkpoint(pos.phase, fullGcReuseMs(plan));
      checkpoints.next(now(), p.observer.nextIntervalMs());
    }
    await pause(pos.phase);
  }
}

/**
 * The pause after each step: 'rate' starts a step every `ms` (behind schedule, the missed starts are
 * skipped rather than fired in a burst), 'interval' pauses `ms` after each, 'none' only yields so that
 * the timers (the sampler, the stream's flush) get their turn. A pause never runs past the end of a
 * soak, nor past the end of a timed warmup.
 */
function stepPacing(plan: Pick<RunPlan, 'pace' | 'warmup' | 'measure'>, now: () => number, signal: AbortSignal): (phase: Phase) => Promise<void> {
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
