// Python suspects from a server's workers: the gc type counts the suspect collector compares at its
// three points are summed over the root and the workers running its program (pythonProgram.ts:
// gunicorn's workers, multiprocessing's children, the process a reloader serves from), so a type
// that grows in the workers is named too. Helpers the target runs as other programs are left out:
// their bounded caches filling (urllib's urlsplit cache of 128, in export-service's upstream) would
// be named as growth no fix is due for. Only the processes counted at the first point are counted at
// the later ones (a replacement's whole heap would look like growth); one gone by then drops out,
// which can only hide growth, never invent it.
// The warnings are gathered from the same processes (a worker's "unclosed event loop" is printed by
// the worker, never the root), and so are tracemalloc's allocation sites, the open resources, the
// grown containers and the creation sites of followed classes, merged (a site's or container's
// growth summed over the processes, named with the process that grew it most). A referrer search
// goes to the process that held the most of the type at the last count (the root of gunicorn holds
// none of what its workers leak: its own logging handlers would be named instead), and its reply
// names that process.
import type { AgentHandle } from './agentHandle.ts';
import { isRunning, readCmdline, readStatSync } from '../probes/procfs.ts';
import { rootProgramWorkers } from './pythonProgram.ts';
import { mergeTreeReplies, TREE_OPS } from '../agents/treeReplies.ts';

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

  /** the Python processes of the tree running the root's program (pythonProgram.ts) */
  async function programWorkers(): Promise<AgentHandle[]> {
    const others = agents().filter((a) => a.pid !== root.pid && a.runtime === 'python');
    const described = async (pid: number) => ({ pid, ppid: readStatSync(pid)?.ppid ?? 0, argv: await readCmdline(pid) });
    const chosen = rootProgramWorkers({ pid: root.pid, argv: await readCmdline(root.pid) }, await Promise.all(others.map((a) => described(a.pid))));
    return others.filter((a) => chosen.includes(a.pid));
  }

  /** the op asked of the root and of each summed worker; a worker gone since is null */
  async function askAll<T>(op: string, params: object | undefined, timeoutMs: number | undefined): Promise<{ root: T; workers: { a: AgentHandle; r: T | null }[] }> {
    const workers = first === null ? await programWorkers() : agents().filter((a) => first!.has(a.pid));
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
      if (op === 'typeGrowth' && first !== null && first.size > 0) {
        // what grew since the engine's baseline, summed; a worker started after it has no baseline and is left out
        const workers = agents().filter((a) => first!.has(a.pid));
        const replies = await Promise.all([root, ...workers].map((a) => a.request(op, params, timeoutMs).catch(() => null) as Promise<{ changes: Record<string, number> } | null>));
        const changes: Record<string, number> = {};
        for (const r of replies) for (const [type, n] of Object.entries(r?.changes ?? {})) changes[type] = (changes[type] ?? 0) + n;
        return { changes };
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
        const reply = (await best.request(op, params, timeoutMs)) as object;
        return first !== null && first.size > 0 ? { ...reply, process: { pid: best.pid, role: best.role } } : reply;
      }
      // the processes are fixed at the first op that asks them all (tracemalloc's baseline comes before the first count)
      if (TREE_OPS.has(op) && first === null) first = new Set((await programWorkers()).map((a) => a.pid));
      if (TREE_OPS.has(op) && first !== null && first.size > 0) {
        const got = await askAll<unknown>(op, params, timeoutMs);
        const replies = [{ pid: root.pid, role: root.role, reply: got.root }, ...got.workers.filter((w) => w.r !== null).map((w) => ({ pid: w.a.pid, role: w.a.role, reply: w.r }))];
        return mergeTreeReplies(op, params, replies);
      }
      return root.request(op, params, timeoutMs);
    },
    summedWorkers: () => [...(first ?? [])],
  };
}
