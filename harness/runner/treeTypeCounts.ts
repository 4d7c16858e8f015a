// Python suspects from every process of a pre-fork server: the gc type counts the suspect collector
// compares at its three points are summed over the root and its workers, so a type that grows in
// the workers is named too. Only the processes counted at the first point are counted at the later
// ones (a worker replaced in between would make its replacement's whole heap look like growth);
// one gone by then drops out, which can only hide growth, never invent it. Every other request
// (allocation sites, referrer chains, handles, warnings) goes to the root's agent.
import type { AgentHandle } from './agentSession.ts';
import { isRunning } from '../probes/procfs.ts';

export interface TreeTypeCounts {
  request: AgentHandle['request'];
  /** the pids whose counts were summed at the first point */
  counted(): number[];
}

export function treeTypeCounts(root: AgentHandle, agents: () => AgentHandle[]): TreeTypeCounts {
  let first: Set<number> | null = null;
  return {
    async request(op, params) {
      if (op !== 'typeCounts' || root.runtime !== 'python') return root.request(op, params);
      const all = agents().filter((a) => a.runtime === 'python' && (first === null || first.has(a.pid)));
      if (!all.some((a) => a.pid === root.pid)) all.unshift(root);
      const replies = await Promise.all(all.map(async (a) => {
        try {
          return (await a.request('typeCounts', params)) as { counts: Record<string, number> };
        } catch (err) {
          if (a.pid !== root.pid && !isRunning(a.pid)) return null; // recycled since: dropped
          throw new Error(`type counts of pid ${a.pid} (${a.role}): ${(err as Error).message}`, { cause: err });
        }
      }));
      first ??= new Set(all.filter((_, i) => replies[i] !== null).map((a) => a.pid));
      const counts: Record<string, number> = {};
      for (const r of replies) for (const [type, n] of Object.entries(r?.counts ?? {})) counts[type] = (counts[type] ?? 0) + n;
      return { counts };
    },
    counted: () => [...(first ?? [])],
  };
}
