// The observer effect of a run, tallied as it goes (sums and counts: a week's soak keeps three
// numbers per part): the time of each step, and of each part of the boundary observations between
// steps, during which the target is stopped (forced GC) or slowed (smaps_rollup walks its page
// tables under its mmap lock; the agents answer on its event loop or GIL).
import type { ObserverCost } from '../report/runReportSchema.ts';

export interface BoundaryCost {
  gcMs: number;
  readMs: number;
  agentMs: number;
}

export interface ObserverTally {
  step(ms: number): void;
  boundary(cost: BoundaryCost): void;
  result(): ObserverCost;
}

export function createObserverTally(): ObserverTally {
  let steps = 0;
  let stepSum = 0;
  let boundaries = 0;
  const sums: BoundaryCost = { gcMs: 0, readMs: 0, agentMs: 0 };
  const mean = (sum: number, n: number): number | null => (n > 0 ? round(sum / n) : null);
  return {
    step(ms) {
      steps += 1;
      stepSum += ms;
    },
    boundary(cost) {
      boundaries += 1;
      sums.gcMs += cost.gcMs;
      sums.readMs += cost.readMs;
      sums.agentMs += cost.agentMs;
    },
    result() {
      const all = sums.gcMs + sums.readMs + sums.agentMs;
      return {
        steps, stepMs: mean(stepSum, steps), boundaries,
        gcMs: mean(sums.gcMs, boundaries), readMs: mean(sums.readMs, boundaries), agentMs: mean(sums.agentMs, boundaries),
        perStepMs: steps > 0 && boundaries > 0 ? round(all / steps) : null,
      };
    },
  };
}

/** to the microsecond: the report says what was measured, not float noise */
const round = (ms: number): number => Math.round(ms * 1000) / 1000;
