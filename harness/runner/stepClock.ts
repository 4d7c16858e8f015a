// Step time as evidence: how long the scenario's steps took, as the mean of those since the
// previous boundary, into the boundary's sample (stepMs). A step that slows as what the target
// keeps grows is a leak of time; analysis/stepTime.ts judges the series.
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { ObserverTally } from './observerCost.ts';

export interface StepClock extends EvidenceCollector {
  /** a step's wall time, in ms */
  step(ms: number): void;
}

export function createStepClock(): StepClock {
  let sum = 0;
  let count = 0;
  return {
    step(ms) {
      sum += ms;
      count++;
    },
    async atBoundary(s) {
      if (s.iteration === null) return;
      // to the microsecond: the stream says what was measured, not float noise
      s.values.stepMs = count > 0 ? Math.round((sum / count) * 1000) / 1000 : null;
      sum = 0;
      count = 0;
    },
  };
}

/** The observer tally, its steps also timed by the clock: the step loop times each step once, for both. */
export function alsoTimedBy(tally: ObserverTally, clock: StepClock): ObserverTally {
  return {
    ...tally,
    step(ms) {
      tally.step(ms);
      clock.step(ms);
    },
  };
}
