// Python suspects from a pre-fork server's workers: the gc type counts the suspect collector
// compares at its three points are summed over the root and the workers forked from it (the
// processes of the tree with the root's command line: gunicorn's workers, multiprocessing's fork),
// so a type that grows in the workers is named too. Helpers the target runs as other programs are
// left out: their bounded caches filling (urllib's urlsplit cache of 128, in export-service's
// upstream) would be named as growth no fix is due for. Only the processes counted at the first
// point are counted at the later ones (a replacement's whole heap would look like growth); one
// gone by then drops out, which can only hide growth, never invent it.
// The warnings are gathered from the same processes (a worker's "unclosed event loop" is printed by
// the worker, never the root), and a referrer search goes to the process that held the most of the
// type at the last count (the root of gunicorn holds none of what its workers leak: its own logging
// handlers would be named instead). Every other request (allocation sites, open resources) goes to
// the root's agent.
import type { AgentHandle } from './agentHandle.ts';
import { isRunning, readCmdline } from '../probes/procfs.ts';

export interface TreeTypeCounts {
  request: AgentHandle['request'];
  /** the workers whose counts were summed with the root's, from the first point on */
  summedWorkers(): number[];
}

interface Warnings {
  warnings: unknown[];
  dropped: number;
}

export function treeTypeCounts(root: AgentHandle, agents: () => AgentHandle[]): TreeTypeCounts {
  let first: Set<number> | null = null;
  // per process, the type counts of the last point
  let lastCounts = new Map<AgentHandle, Record<string, number>>();

  async function forkedWorkers(): Promise<AgentHandle[]> {
    const command = (await readCmdline(root.pid))?.join('\0');
    const out: AgentHandle[] = [];
    for (const a of agents()) {
      if (a.pid === root.pid || a.runtime !== 'python') continue;
      if ((await readCmdline(a.pid))?.join('\0') === command) out.push(a);
    }
    return out;
  }

  /** the op asked of the root and of each summed worker; a worker gone since is null */
  async function askAll<T>(op: string, params: object | undefined, timeoutMs: number | undefined): Promise<{ root: T; workers: { a: AgentHandle; r: T | null }[] }> {
    const workers = first === null ? await forkedWorkers() : agents().filter((a) => first!.has(a.pid));
    const rootReply = (await root.request(op, params, timeoutMs)) as T;
    const replies = await Promise.all(workers.map(async (a) => {
      try {
        return (await a.request(op, params, timeoutMs)) as T;
      } catch (err) {
        if (!isRunning(a.pid)) return null; // recycled since: dropped
        throw new Error(`${op} of pid ${a.pid} (${a.role}): ${(err as Error).message}`, { cause: err });
      }
    }));
    return { root: rootReply, workers: workers.map((a, i) => ({ a, r: replies[i]! })) };
  }

  return {
    async request(op, params, timeoutMs) {
      if (root.runtime !== 'python') return root.request(op, params, timeoutMs);
      if (op === 'typeCounts') {
        const got = await askAll<{ counts: Record<string, number> }>(op, params, timeoutMs);
        first ??= new Set(got.workers.filter((w) => w.r !== null).map((w) => w.a.pid));
        lastCounts = new Map([[root, got.root.counts], ...got.workers.filter((w) => w.r !== null).map((w) => [w.a, w.r!.counts] as const)]);
        const counts: Record<string, number> = { ...got.root.counts };
        for (const w of got.workers) for (const [type, n] of Object.entries(w.r?.counts ?? {})) counts[type] = (counts[type] ?? 0) + n;
        return { counts };
      }
      if (op === 'warnings' && first !== null && first.size > 0) {
        // the root's first: the workers serve, so what came since the baseline is mostly theirs, and
        // the collector reads the newest at the end of the list
        const got = await askAll<Warnings>(op, params, timeoutMs);
        const rest = got.workers.filter((w) => w.r !== null).map((w) => w.r!);
        return { warnings: [got.root, ...rest].flatMap((r) => r.warnings), dropped: [got.root, ...rest].reduce((n, r) => n + r.dropped, 0) };
      }
      if (op === 'referrers') {
        const type = (params as { type?: string } | undefined)?.type ?? '';
        let best: AgentHandle = root;
        for (const [a, counts] of lastCounts) if ((counts[type] ?? 0) > (lastCounts.get(best)?.[type] ?? 0) && isRunning(a.pid)) best = a;
        return best.request(op, params, timeoutMs);
      }
      return root.request(op, params, timeoutMs);
    },
    summedWorkers: () => [...(first ?? [])],
  };
}
