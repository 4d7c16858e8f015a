// Where a run is: its phase and how many steps it has taken. The step loop moves it; the boundary
// reads, the timed samples and the collectors read it.
import type { Phase } from '../report/sampleSchema.ts';

export interface RunPosition {
  phase: Phase;
  /** steps taken, warmup included */
  steps: number;
  warmupSteps: number;
  /** when the measured phase began (ms since the run started) */
  measuredFromT: number;
}

export function createRunPosition(): RunPosition {
  return { phase: 'warmup', steps: 0, warmupSteps: 0, measuredFromT: 0 };
}
