// How often a run may stop its target to observe it. A boundary is a forced GC in every process and
// the reads after it; on a Django admin it took 232 ms beside a step of 183 ms (the GC 168 ms of it),
// on a JSON API 113 ms beside 51.5 ms: observing took more of the wall time than the work. Where a
// forced GC costs more than a step, a counted run reads a boundary every k measured steps (and after
// the last), k the smallest that keeps observing to a quarter of the wall time, but never so large
// that the trend has fewer than MIN_TREND_POINTS measured boundaries; a soak stretches its boundary
// clock the same way. The costs are the run's own (medians of the last few), measured as it goes:
// a counted run chooses k once, when the warmup (or the first measured steps) has timed a few of
// each, so its measured boundaries are evenly spaced. The choice is in the report.
import type { ObserveCadence as CadenceResult, ObserverCost } from '../report/runReportSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { BoundaryCost, ObserverTally } from './observerCost.ts';

/** observing may take this share of the wall time */
export const MAX_OBSERVER_SHARE = 0.25;
/**
 * the share k is solved for: a fifth, so that boundaries a third dearer than the ones timed before
 * the choice still keep within a quarter (the gc-cadence fixture's mean boundary ran 20-50% above
 * the median it was chosen on, on a busy machine)
 */
const TARGET_SHARE = 0.2;
/**
 * the fewest measured boundaries a trend is given: twice the trend test's minimum (trend.ts
 * MIN_SAMPLES, 10 for memory), so a steady leak is still called with power to spare
 */
export const MIN_TREND_POINTS = 20;
/** timings kept for the medians */
const WINDOW = 16;
/** steps and boundaries timed before a counted run chooses its k */
const TIMED_BEFORE_CHOOSING = 3;

export interface CadenceChoice {
  every: number;
  share: number;
  why: string;
  /** the costs it was chosen on (medians of the last few timed) */
  chosenOn: CadenceCosts;
}

export interface CadenceCosts {
  stepMs: number;
  gcMs: number;
  boundaryMs: number;
}

const ms = (x: number) => `${x >= 100 ? x.toFixed(0) : x.toFixed(1)} ms`;

/**
 * A boundary cheaper than this is read after every step whatever the step costs: a thousand of them
 * take under 10 s, and a trend thinned to save that would lose power for nothing (a Node function
 * worker's GC of 2 ms beside a call of 1 ms).
 */
const CHEAP_BOUNDARY_MS = 10;

/** boundaries a counted run reads besides the measured ones: the settle's reads, retried with backoff */
const SETTLE_READS = 3;

/**
 * k for a counted run: a boundary every k of the `measuredSteps` still to come, the smallest k with
 * which the whole run's boundaries (those read so far, `measuredSteps / k`, the settle's) take at
 * most 25% of its wall time (steps and boundaries), capped so that `measuredSteps / k` boundaries
 * remain for the trend. 1 where a forced GC costs no more than a step.
 */
export function chooseEvery(c: { stepMs: number; boundaryMs: number; gcMs: number; measuredSteps: number; stepsSoFar?: number; boundariesSoFar?: number }): CadenceChoice {
  const steps = (c.stepsSoFar ?? 0) + c.measuredSteps;
  const fixed = (c.boundariesSoFar ?? 0) + SETTLE_READS;
  const chosenOn = { stepMs: c.stepMs, gcMs: c.gcMs, boundaryMs: c.boundaryMs };
  const shareAt = (k: number) => {
    const observing = (fixed + Math.ceil(c.measuredSteps / k)) * c.boundaryMs;
    return observing / (steps * c.stepMs + observing);
  };
  if (!(c.gcMs > c.stepMs)) {
    return { every: 1, share: shareAt(1), chosenOn, why: `a boundary after every step: a forced GC (${ms(c.gcMs)}) costs no more than a step (${ms(c.stepMs)})` };
  }
  if (c.boundaryMs < CHEAP_BOUNDARY_MS) {
    return { every: 1, share: shareAt(1), chosenOn, why: `a boundary after every step: one takes ${ms(c.boundaryMs)}, too little to be worth fewer points` };
  }
  // (fixed + n/k) x B <= steps x S x share / (1 - share)
  const room = (steps * c.stepMs * TARGET_SHARE) / (1 - TARGET_SHARE) / c.boundaryMs - fixed;
  const needed = room > 0 ? Math.ceil(c.measuredSteps / room) : Infinity;
  const most = Math.max(1, Math.floor(c.measuredSteps / MIN_TREND_POINTS));
  const every = Math.max(1, Math.min(needed, most));
  const costs = `a forced GC costs ${ms(c.gcMs)} and a boundary ${ms(c.boundaryMs)} beside a step of ${ms(c.stepMs)}`;
  if (every < needed) {
    const would = Number.isFinite(needed) ? `${needed} would keep observing to ${MAX_OBSERVER_SHARE * 100}% of the wall time` : `no spacing would keep observing to ${MAX_OBSERVER_SHARE * 100}% of the wall time`;
    return { every, share: shareAt(every), chosenOn, why: `a boundary every ${every} steps: ${costs}; ${would}, but the trend keeps ${MIN_TREND_POINTS} of the ${c.measuredSteps} measured steps (run more steps to observe less)` };
  }
  return { every, share: shareAt(every), chosenOn, why: `a boundary every ${every} steps: ${costs}, so observing takes at most ${MAX_OBSERVER_SHARE * 100}% of the wall time` };
}

/**
 * A soak's boundary clock, whose ticks are due an interval apart on the wall clock (stepLoop.ts), a
 * boundary's own time inside its interval: stretched so boundaries take at most a fifth of the time
 * (a quarter with room), never past measureMs / MIN_TREND_POINTS, measureMs the measured phase's
 * length (not the soak's, warmup and all: the points are the measured phase's).
 */
export function soakInterval(c: { plannedMs: number; boundaryMs: number; measureMs: number }): number {
  const needed = c.boundaryMs / TARGET_SHARE;
  const most = Math.max(c.plannedMs, c.measureMs / MIN_TREND_POINTS);
  return Math.min(Math.max(c.plannedMs, needed), most);
}

/**
 * Why a soak's checkpoints came when they did. Stretched, they keep observing to MAX_OBSERVER_SHARE
 * of the time unless that would leave the trend fewer than MIN_TREND_POINTS: then they say what
 * observing still took (a boundary of 1.6 s every 2.1 s is 76%, not "at most 25%").
 */
function soakWhy(everyMs: number, plannedMs: number, boundaryMs: number, share: number): string {
  if (everyMs <= plannedMs) return `a boundary every ${ms(plannedMs)}, as planned: each took ${ms(boundaryMs)}`;
  const head = `a boundary every ${ms(everyMs)} rather than ${ms(plannedMs)}: each took ${ms(boundaryMs)}`;
  if (share <= MAX_OBSERVER_SHARE) return `${head}, so observing takes at most ${MAX_OBSERVER_SHARE * 100}% of the time`;
  return `${head}; stretched no further, so that the trend keeps ${MIN_TREND_POINTS} points, observing took ${Math.round(share * 100)}% of the time`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[s.length >> 1]!;
}

export interface ObserveCadenceState {
  step(ms: number): void;
  boundary(cost: BoundaryCost): void;
  /** a counted run: whether to read the boundary after this measured step (1-based); `last`: the measured phase's last */
  readAfter(measuredStep: number, last: boolean): boolean;
  /** a soak: how long until the next boundary */
  nextIntervalMs(): number;
  result(): CadenceResult | undefined;
}

/** What of the plan the cadence reads. */
export type CadencePlanPart = Pick<RunPlan, 'measure' | 'warmup' | 'checkpointMs'>;

export function createObserveCadence(plan: CadencePlanPart): ObserveCadenceState {
  const steps: number[] = [];
  const boundaries: BoundaryCost[] = [];
  let chosen: CadenceChoice | null = null;
  // the measured step k was chosen after: boundaries every k steps from there
  let offset = 0;
  let lastInterval = plan.checkpointMs;
  let stepsSeen = 0;
  let boundariesSeen = 0;
  const push = <T>(xs: T[], x: T) => {
    xs.push(x);
    if (xs.length > WINDOW) xs.shift();
  };
  const costs = () => ({
    stepMs: median(steps),
    gcMs: median(boundaries.map((b) => b.gcMs)),
    boundaryMs: median(boundaries.map((b) => b.gcMs + b.readMs + b.agentMs)),
  });
  return {
    step(ms) {
      stepsSeen++;
      push(steps, ms);
    },
    boundary(cost) {
      boundariesSeen++;
      push(boundaries, cost);
    },
    readAfter(measuredStep, last) {
      if (!('steps' in plan.measure)) return true;
      if (!chosen && steps.length >= TIMED_BEFORE_CHOOSING && boundaries.length >= TIMED_BEFORE_CHOOSING) {
        // from the next measured step on: the ones before were each read
        chosen = chooseEvery({ ...costs(), measuredSteps: plan.measure.steps - measuredStep, stepsSoFar: stepsSeen, boundariesSoFar: boundariesSeen });
        if (chosen.every > 1) chosen = { ...chosen, why: `${chosen.why}, from measured step ${measuredStep + 1} on` };
        offset = measuredStep;
      }
      return last || !chosen || (measuredStep - offset) % chosen.every === 0;
    },
    nextIntervalMs() {
      if (!('ms' in plan.measure) || boundaries.length === 0) return plan.checkpointMs;
      // a soak's measure.ms is when it ends, counted from its start: its warmup comes first
      const measureMs = plan.measure.ms - ('ms' in plan.warmup ? Math.min(plan.warmup.ms, plan.measure.ms) : 0);
      lastInterval = soakInterval({ plannedMs: plan.checkpointMs, boundaryMs: costs().boundaryMs, measureMs });
      return lastInterval;
    },
    result() {
      if (boundaries.length === 0) return undefined;
      const c = costs();
      if ('ms' in plan.measure) {
        const share = Math.min(1, c.boundaryMs / lastInterval);
        return {
          everyMs: Math.round(lastInterval), plannedMs: Math.round(plan.checkpointMs), share, chosenOn: c,
          why: soakWhy(lastInterval, plan.checkpointMs, c.boundaryMs, share),
        };
      }
      if (!chosen) return { everySteps: 1, share: c.boundaryMs / (c.stepMs + c.boundaryMs), chosenOn: c, why: 'a boundary after every step: too few steps were timed to choose otherwise' };
      return { everySteps: chosen.every, share: chosen.share, chosenOn: chosen.chosenOn, why: chosen.why };
    },
  };
}

/** The observer's tally with the cadence it sets: what the step loop and the boundary reads time and ask. */
export interface PacedObserver extends ObserverTally {
  readAfter: ObserveCadenceState['readAfter'];
  nextIntervalMs: ObserveCadenceState['nextIntervalMs'];
  result(): ObserverCost;
}

export function pacedObserver(plan: CadencePlanPart, tally: ObserverTally): PacedObserver {
  const cadence = createObserveCadence(plan);
  return {
    step(ms) {
      tally.step(ms);
      cadence.step(ms);
    },
    boundary(cost) {
      tally.boundary(cost);
      cadence.boundary(cost);
    },
    readAfter: cadence.readAfter,
    nextIntervalMs: cadence.nextIntervalMs,
    result() {
      const chosen = cadence.result();
      return { ...tally.result(), ...(chosen ? { cadence: chosen } : {}) };
    },
  };
}
