// What runs beside the steps for the length of a run, each on its own moments: the sampler's timed
// reads, seep's own RSS, a soak's load, and what watches every sample (a reset retried as a worker is
// recycled, the alerts and the early stop). The one place that says when each starts and stops: the
// engine calls the list by phase (atStart, atSteps, ...) and knows none of them by name, as it walks
// the evidence collectors (runCollectors.ts). They stop in the reverse order of the list, whatever
// happened and whichever phases were reached; a stop again after an earlier one is harmless.
import type { Sample } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { RunAggregate } from '../assembly/runAggregate.ts';
import type { Sampler } from '../probes/sampler.ts';
import type { BoundaryReads } from './boundaryReads.ts';
import type { PauseLog } from './pauseLog.ts';
import type { ResetRetry } from './resetRetry.ts';
import type { RunEnding } from './runEnding.ts';
import type { RunTarget } from './runTarget.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';
import { createSampleWatch } from './sampleWatch.ts';
import { soakLoad } from './soakLoad.ts';
import { watchSeepRss } from './seepRss.ts';
import { stopEach } from './stopEach.ts';

/** One part beside the steps: the moments of the run it acts on. */
export interface BesidePart {
  /** the target has started and the outputs run: the steps' setup is next */
  atStart?(target: RunTarget): void;
  /** the target's start-up is over: the step loop begins */
  atSteps?(target: RunTarget): void;
  /** the baseline is read: the measured phase begins */
  atMeasured?(): void;
  /** the step loop is over, before the read that ends the measured phase */
  atStepsEnd?(): Promise<void>;
  /** the settle's reads are over: what comes after (the suspects' looks) must not read as growth */
  atSettled?(): Promise<void>;
  /** the run stops, whatever happened */
  atStop?(): Promise<void> | void;
  /** every sample of the target's tree, timed or at a boundary, once it is in the stream */
  watch?(s: Sample): void;
}

/** What a run offers the parts beside its steps. */
export interface BesideRun {
  plan: Pick<RunPlan, 'sampleHz' | 'alerts' | 'budgets' | 'abortOnFail' | 'load' | 'measure'>;
  sampler: Pick<Sampler, 'startTimer' | 'stopTimer'>;
  reads: Pick<BoundaryReads, 'timed'>;
  resets: Pick<ResetRetry, 'observe'>;
  lifecycle: Pick<TargetLifecycle, 'restarting'>;
  agg: Pick<RunAggregate, 'alertCount' | 'peakRss' | 'seepPeak'>;
  ending: RunEnding;
  /** what seep says of this run on stderr, its scenario named */
  say(line: string): void;
  emit(e: StreamEvent): void;
  note(message: string): void;
  now(): number;
  /** a soak's checkpoints, to tell the load's answers they disturbed from the others */
  pauses?: PauseLog;
}

export const besideParts: readonly ((run: BesideRun) => BesidePart[])[] = [
  ({ resets }) => [{ watch: (s) => resets.observe(s.pids) }],
  (run) => [{ watch: createSampleWatch(run.plan, run) }],
  // the sampler's own clock stops with the settle: the suspects' heap snapshots after it would read as growth
  ({ plan, sampler, reads, now }) => [{
    atStart: () => sampler.startTimer(plan.sampleHz, reads.timed, now),
    atSettled: () => sampler.stopTimer(),
    atStop: () => sampler.stopTimer(),
  }],
  ({ emit, now }) => {
    const rss = watchSeepRss(emit, now);
    return [{ atStart: rss.start, atStop: rss.stop }];
  },
  // a soak's load (a counted run has none) runs through the measured phase, stopped before its last read
  (run) => {
    const load = soakLoad(run.plan, run);
    return [{ atSteps: load.start, atMeasured: load.markMeasured, atStepsEnd: load.stop, atStop: load.stop }];
  },
];

/** The list as one part: every phase reaches each part; the stop is always a promise. */
export type BesideSteps = Required<Omit<BesidePart, 'atStop'>> & { atStop(): Promise<void> };

/** Every part of the list opened on the run, called by phase. */
export function openBeside(run: BesideRun): BesideSteps {
  return allBeside(besideParts.flatMap((open) => open(run)));
}

/** The parts called by phase in their order, one after the other; stopped in the reverse order, all of them. */
export function allBeside(parts: readonly BesidePart[]): BesideSteps {
  return {
    atStart: (target) => parts.forEach((p) => p.atStart?.(target)),
    atSteps: (target) => parts.forEach((p) => p.atSteps?.(target)),
    atMeasured: () => parts.forEach((p) => p.atMeasured?.()),
    async atStepsEnd() {
      for (const p of parts) await p.atStepsEnd?.();
    },
    async atSettled() {
      for (const p of parts) await p.atSettled?.();
    },
    // every part is stopped even when one's stop throws; the first error is thrown after
    atStop: () => stopEach([...parts].reverse().map((p) => () => p.atStop?.())),
    watch: (s) => parts.forEach((p) => p.watch?.(s)),
  };
}
