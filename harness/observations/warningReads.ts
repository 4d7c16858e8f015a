// The agents' warning counts as the stream gives them (runner/warningCountsCollector.ts), kept at the
// four reads the judge needs, whatever the run's length: the first, the baseline (the last warmup
// read), the end of the measured phase (the last read before the settle; a read equal to the one
// before is not sent, so the latest sent before the settle stands for it) and the last.
import type { Phase } from '../report/schema.ts';
import type { WarningReads } from '../analysis/warningCosts.ts';
import type { AgentWarningGroup } from '../series/sampleStream.ts';

export function createWarningReads(): { add(phase: Phase, groups: AgentWarningGroup[]): void; reads(): WarningReads } {
  const r: WarningReads = { first: null, baseline: null, measuredEnd: null, last: null };
  return {
    add(phase, groups) {
      r.first ??= groups;
      if (phase === 'warmup') r.baseline = groups;
      if (phase !== 'settle') r.measuredEnd = groups;
      r.last = groups;
    },
    reads: () => ({ ...r }),
  };
}
