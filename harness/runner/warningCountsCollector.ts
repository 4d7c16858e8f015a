// Every warning the target raises, counted by its agents at every boundary read (Python prints a
// warning once per location, so its output says "1" for one raised 34 times a step): the counts
// summed over the processes of the tree go to the sample stream, and the aggregate keeps those of
// the first read, the baseline, the end of the measured phase and the last read, from which the
// judge reads rates per measured step (analysis/warningCosts.ts). Python agents only: Node prints
// what it warns of, and its agent's warnings are the suspects'. A read is sent when it differs
// from the last one sent, and at every warmup read (the last is the baseline).
import type { AgentWarningGroup, StreamEvent } from '../series/sampleStream.ts';
import { phaseCode } from '../series/sampleStream.ts';
import type { WarningReads } from '../observations/warningReads.ts';
import { isRunning } from '../probes/procfs.ts';
import type { AgentHandle } from './agentHandle.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';

interface CountsReply {
  groups: AgentWarningGroup[];
  dropped: number;
}

/** One group per what, where raised and whose code, summed over the processes that counted it. */
export function warningGroupKey(g: Pick<AgentWarningGroup, 'category' | 'what' | 'raisedAt' | 'origin'>): string {
  return `${g.category}\n${g.what}\n${g.raisedAt}\n${g.origin}`;
}

export function sumWarningGroups(replies: CountsReply[]): AgentWarningGroup[] {
  const out = new Map<string, AgentWarningGroup>();
  for (const r of replies) {
    for (const g of r.groups) {
      const key = warningGroupKey(g);
      const e = out.get(key);
      if (e) e.count += g.count;
      else out.set(key, { ...g, allocated: g.allocated ?? [] });
    }
  }
  return [...out.values()].sort((a, b) => b.count - a.count || warningGroupKey(a).localeCompare(warningGroupKey(b)));
}

export function warningCountsCollector(agents: () => AgentHandle[], emit: (e: StreamEvent) => void): EvidenceCollector {
  const errors = new Set<string>();
  let lastSent = '';
  let dropped = 0;
  const reads: WarningReads = { first: null, baseline: null, measuredEnd: null, last: null };
  return {
    async atBoundary(s) {
      const python = agents().filter((a) => a.runtime === 'python');
      if (python.length === 0) return;
      const replies = await Promise.all(python.map(async (a) => {
        try {
          return (await a.request('warningCounts')) as CountsReply;
        } catch (err) {
          // a worker recycled since the tree was read counted nothing more
          if (a.role === 'root' || isRunning(a.pid)) errors.add(`counting warnings (pid ${a.pid}, ${a.role}) failed: ${(err as Error).message}`);
          return null;
        }
      }));
      const got = replies.filter((r): r is CountsReply => r !== null && Array.isArray(r.groups));
      dropped = Math.max(dropped, got.reduce((n, r) => n + (r.dropped ?? 0), 0));
      const groups = sumWarningGroups(got);
      reads.first ??= groups;
      if (s.phase === 'warmup') reads.baseline = groups;
      if (s.phase !== 'settle') reads.measuredEnd = groups;
      reads.last = groups;
      const signature = groups.map((g) => `${warningGroupKey(g)}=${g.count}`).join('\n');
      if (s.phase !== 'warmup' && signature === lastSent) return;
      lastSent = signature;
      emit({ k: 'warns', t: s.t, p: phaseCode(s.phase), g: groups });
    },
    // the warnings that grew become suspects in the judge, from the counts the fold keeps (analysis/warningCosts.ts)
    afterRun: async () => ({
      errors: [...[...errors].slice(0, 3), ...(dropped > 0 ? [`warnings: ${dropped} occurrence(s) of warnings past the agent's 500 kinds were not counted by kind`] : [])],
    }),
  };
}
