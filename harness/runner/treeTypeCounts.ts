// Python suspects from a pre-fork server's workers: the gc type counts the suspect collector
// compares at its three points are summed over the root and the workers forked from it (the
// processes of the tree with the root's command line: gunicorn's workers, multiprocessing's fork),
// so a type that grows in the workers is named too. Helpers the target runs as other programs are
// left out: their bounded caches filling (urllib's urlsplit cache of 128, in export-service's
// upstream) would be named as growth no fix is due for. Only the processes counted at the first
// point are counted at the later ones (a replacement's whole heap would look like growth); one
// gone by then drops out, which can only hide growth, never invent it. Every other request
// (allocation sites, referrer chains, handles, warnings) goes to the root's agent.
import type { AgentHandle } from './agentSession.ts';
import { isRunning, readCmdline } from '../probes/procfs.ts';

export interface TreeTypeCounts {
  request: AgentHandle['request'];
  /** the workers whose counts were summed with the root's, from the first point on */
  summedWorkers(): number[];
}

export function treeTypeCounts(root: AgentHandle, agents: () => AgentHandle[]): TreeTypeCounts {
  let first: Set<number> | null = null;

  async function forkedWorkers(): Promise<AgentHandle[]> {
    const command = (await readCmdline(root.pid))?.join('\0');
    const out: AgentHandle[] = [];
    for (const a of agents()) {
      if (a.pid === root.pid || a.runtime !== 'python') continue;
      if ((await readCmdline(a.pid))?.join('\0') === command) out.push(a);
    }
    return out;
  }

  return {
    async request(op, params, timeoutMs) {
      if (op !== 'typeCounts' || root.runtime !== 'python') return root.request(op, params, timeoutMs);
      const workers = first === null ? await forkedWorkers() : agents().filter((a) => first!.has(a.pid));
      const rootCounts = (await root.request('typeCounts', params, timeoutMs)) as { counts: Record<string, number> };
      const replies = await Promise.all(workers.map(async (a) => {
        try {
          return (await a.request('typeCounts', params, timeoutMs)) as { counts: Record<string, number> };
        } catch (err) {
          if (!isRunning(a.pid)) return null; // recycled since: dropped
          throw new Error(`type counts of pid ${a.pid} (${a.role}): ${(err as Error).message}`, { cause: err });
        }
      }));
      first ??= new Set(workers.filter((_, i) => replies[i] !== null).map((a) => a.pid));
      const counts: Record<string, number> = { ...rootCounts.counts };
      for (const r of replies) for (const [type, n] of Object.entries(r?.counts ?? {})) counts[type] = (counts[type] ?? 0) + n;
      return { counts };
    },
    summedWorkers: () => [...(first ?? [])],
  };
}
