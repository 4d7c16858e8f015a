// Step time as evidence: how long the scenario's steps took, as the mean of those since the
// previous boundary, into the boundary's sample (stepMs), and the CPU they cost the target
// (stepCpuMs: its processes' and the commands' it ran, probes/stepCpu.ts). A step that slows as
// what the target keeps grows is a leak of time; a step slowed by a busy machine waited for a CPU
// and cost no more of it. analysis/stepTime.ts judges the two series.
import { createStepCpuMeter, type StepCpuMeter } from '../probes/stepCpu.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { ObserverTally } from './observerCost.ts';
import type { ScenarioSteps } from './scenarioSteps.ts';

export interface StepClock extends EvidenceCollector {
  /** a step's wall time, in ms */
  step(ms: number): void;
  /** the steps, each also measured for the CPU it cost the target */
  metering(steps: ScenarioSteps): ScenarioSteps;
}

const mean = (sum: number, count: number) => (count > 0 ? Math.round((sum / count) * 1000) / 1000 : null);

export function createStepClock(meter: StepCpuMeter = createStepCpuMeter()): StepClock {
  let sum = 0;
  let count = 0;
  let cpuSum = 0;
  let cpuCount = 0;
  // the target's processes as the last boundary saw them (a tree that forks per step is still
  // counted by its long-lived processes; its short-lived children die unread)
  let pids: readonly number[] = [];
  return {
    step(ms) {
      sum += ms;
      count++;
    },
    metering(steps) {
      return {
        ...steps,
        async step(iteration, phase, what) {
          const mark = meter.mark(pids);
          const ms = await steps.step(iteration, phase, what);
          cpuSum += meter.since(mark);
          cpuCount++;
          return ms;
        },
      };
    },
    async atBoundary(s) {
      pids = s.pids;
      if (s.iteration === null) return;
      // to the microsecond: the stream says what was measured, not float noise
      s.values.stepMs = mean(sum, count);
      s.values.stepCpuMs = mean(cpuSum, cpuCount);
      sum = 0;
      count = 0;
      cpuSum = 0;
      cpuCount = 0;
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
