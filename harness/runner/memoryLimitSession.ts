// The scenario's memoryLimit for one run: the cgroup its target runs in, the env through which every
// target spawn joins it, its OOM kills as they happen, and whether a heap snapshot still fits.
import { heapFigures } from '../agents/runtimeHeap.ts';
import { CGROUP_ENV, createMemoryCgroup, type MemoryCgroup } from '../probes/memoryCgroup.ts';
import type { Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import type { AgentHandle } from './agentHandle.ts';

export interface MemoryLimitSession {
  limit: Limit<'B'>;
  /** added to the targets' env: every process seep spawns for this run joins the cgroup */
  env: Record<string, string>;
  usage(): number | null;
  /** OOM kills since the last call, with the cgroup's peak usage (what it held when killed) */
  newOomKills(): { count: number; usage: number | null };
  /** why a heap snapshot should not be taken now (it needs about the heap again), or null */
  noRoomForSnapshot(agent: AgentHandle): Promise<string | null>;
  close(): Promise<void>;
}

/** The session, or the reason the run goes on without a limit. */
export async function openMemoryLimit(limit: Limit<'B'>, cookie: string): Promise<MemoryLimitSession | string> {
  let cgroup: MemoryCgroup;
  try {
    cgroup = await createMemoryCgroup(`seep-${cookie.slice(-24)}`, limit.value);
  } catch (err) {
    return `memoryLimit ${limit.written} not applied, the target runs without a limit: ${(err as Error).message}`;
  }
  let seen = 0;
  return {
    limit,
    env: { [CGROUP_ENV]: cgroup.procsFile },
    usage: () => cgroup.usage(),
    newOomKills() {
      const n = cgroup.oomKills();
      const count = n - seen;
      seen = n;
      return { count, usage: count > 0 ? cgroup.peak() ?? cgroup.usage() : null };
    },
    async noRoomForSnapshot(agent) {
      if (agent.runtime !== 'node') return null; // Python's looks (gc counts, referrers) copy little
      const heap = heapFigures('node', await agent.request('memory').catch(() => null)).used ?? 0;
      const room = limit.value - (cgroup.usage() ?? 0);
      return room < heap * 1.2
        ? `no heap snapshot taken: under the ${limit.written} memoryLimit the cgroup has ${formatBytes(room)} free, and a snapshot needs about the heap again (${formatBytes(heap)})`
        : null;
    },
    close: () => cgroup.remove(),
  };
}
