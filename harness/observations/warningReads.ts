// The agents' warning counts as the stream gives them (runner/warningCountsCollector.ts), kept at the
// four reads the judge needs, whatever the run's length: the first, the baseline (the last warmup
// read), the end of the measured phase (the last read before the settle; a read equal to the one
// before is not sent, so the latest sent before the settle stands for it) and the last.
import type { Phase } from '../report/sampleSchema.ts';
import type { WarningGroup } from '../report/runReportSchema.ts';
import type { AgentWarningGroup } from '../series/sampleStream.ts';

/** What the fold kept of the agents' counts (null: no read at that point). */
export interface WarningReads {
  first: AgentWarningGroup[] | null;
  baseline: AgentWarningGroup[] | null;
  measuredEnd: AgentWarningGroup[] | null;
  last: AgentWarningGroup[] | null;
}

const keyOf = (g: Pick<AgentWarningGroup, 'category' | 'what' | 'raisedAt' | 'origin'>): string => `${g.category}\n${g.what}\n${g.raisedAt}\n${g.origin}`;

function countsOf(read: AgentWarningGroup[] | null): Map<string, number> {
  return new Map((read ?? []).map((g) => [keyOf(g), g.count]));
}

/** Each group the agents counted, with its counts at the four reads and its rate per measured step. */
export function countedWarnings(reads: WarningReads, measuredSteps: number): WarningGroup[] {
  if (!reads.last) return [];
  const first = countsOf(reads.first);
  const baseline = countsOf(reads.baseline);
  const measuredEnd = countsOf(reads.measuredEnd ?? reads.last);
  return reads.last.map((g) => {
    const key = keyOf(g);
    const atBaseline = baseline.get(key) ?? 0;
    const atMeasuredEnd = measuredEnd.get(key) ?? 0;
    const { count, ...rest } = g;
    return {
      ...rest,
      allocated: g.allocated ?? [],
      atFirstRead: first.get(key) ?? 0,
      atBaseline,
      atMeasuredEnd,
      total: count,
      // a restarted target counts from 0 again: what it counted since is not less than nothing
      perStep: measuredSteps > 0 && reads.baseline ? Math.max(0, atMeasuredEnd - atBaseline) / measuredSteps : null,
    };
  });
}

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
