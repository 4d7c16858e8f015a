// The agents of a target's process tree: every process that loaded seep's agent serves it on
// <dir>/<pid>.sock (a pre-fork server's master and each of its workers), so the engine can force a
// GC and read the heap in all of them, not only in the process it started. The set follows the
// tree: a worker that appears is connected at the next boundary, one that is gone is dropped. A
// socket file of a dead process is never connected to: only pids in the tree now are.
//
// Which process runs which runtime is read from /proc (treeRuntimes.ts), never guessed from the
// command seep was given: `npm run serve` is npm, then sh, then the node that serves. A process of a
// known runtime with no agent serving is kept as agentless, with why (a launcher such as npm says
// so itself and is not one; python -I cannot load it; one that never answered).
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { connectAgent } from '../agents/agentClient.ts';
import type { AgentlessProcess } from '../report/runReportSchema.ts';
import type { AgentHandle } from './agentHandle.ts';
import { agentSocketDir, agentSocketOf } from './agentSockets.ts';
import { waitForRootAgent } from './rootAgentWait.ts';
import { createTreeRuntimes } from './treeRuntimes.ts';

/** How long a worker whose socket file exists may take to listen on it (Python binds, then listens). */
const WORKER_CONNECT_MS = 500;

export interface TreeAgents {
  readonly dir: string;
  /** (re)connects to the root agent of the instance running now, waiting for it to listen */
  connectRoot(treePids: () => Promise<number[]>): Promise<void>;
  /** connects to the agents of new processes of the tree, drops those of processes gone */
  follow(treePids: number[]): Promise<void>;
  /** the root's first, then the workers' by pid */
  handles(): AgentHandle[];
  root(): AgentHandle | null;
  /** processes of a known runtime seen in the tree with no agent answering, and how many beyond those listed */
  agentless(): { listed: AgentlessProcess[]; more: number };
  /** disconnects every agent and removes the socket folder (the files outlive killed processes) */
  close(): Promise<void>;
}

/** Creates the socket folder at once: the target's agents bind in it as they start. */
export function createTreeAgents(cookie: string, signal: AbortSignal, procRoot = '/proc'): TreeAgents {
  const dir = agentSocketDir(cookie);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let rootPid: number | null = null;
  const byPid = new Map<number, AgentHandle>();
  // pids whose socket file refused us (a stale file whose pid a non-agent process reuses): not retried while in the tree
  const refused = new Set<number>();
  // while the root of a new instance is being found, the set is not followed (it would take the root for a worker)
  let findingRoot = false;
  const runtimes = createTreeRuntimes(dir, procRoot);
  const findAgentless = (treePids: number[]) => runtimes.findAgentless(treePids, (pid) => byPid.has(pid), (pid) => refused.has(pid));

  async function connect(pid: number, role: AgentHandle['role'], timeoutMs: number): Promise<AgentHandle> {
    const runtime = runtimes.classify(pid)?.runtime;
    if (!runtime) throw new Error(`pid ${pid} serves a seep agent but runs neither node nor python`);
    const client = await connectAgent(agentSocketOf(dir, pid), { timeoutMs, signal });
    return { runtime, pid, role, request: (op, params, timeoutMs) => client.request(op, params, timeoutMs), close: () => client.close() };
  }

  const drop = (pid: number) => {
    byPid.get(pid)?.close();
    byPid.delete(pid);
  };

  async function findRoot(treePids: () => Promise<number[]>): Promise<void> {
    for (const p of [...byPid.keys()]) drop(p);
    refused.clear();
    rootPid = null;
    const { pid, deadline } = await waitForRootAgent({ dir, treePids, runtimes, signal, procRoot });
    rootPid = pid;
    byPid.set(pid, await connect(pid, 'root', Math.max(1000, deadline - Date.now())));
  }

  return {
    dir,
    async connectRoot(treePids) {
      findingRoot = true;
      try {
        await findRoot(treePids);
      } finally {
        findingRoot = false;
      }
    },
    async follow(treePids) {
      if (findingRoot) return;
      const inTree = new Set(treePids);
      for (const pid of [...byPid.keys()]) if (!inTree.has(pid)) drop(pid);
      for (const pid of [...refused]) if (!inTree.has(pid)) refused.delete(pid);
      runtimes.forgetGone(inTree);
      const fresh = treePids.filter((pid) => !byPid.has(pid) && !refused.has(pid) && existsSync(agentSocketOf(dir, pid)));
      await Promise.all(fresh.map(async (pid) => {
        const a = await connect(pid, pid === rootPid ? 'root' : 'worker', WORKER_CONNECT_MS).catch(() => null);
        if (a) byPid.set(pid, a);
        else refused.add(pid);
      }));
      await findAgentless(treePids);
    },
    handles() {
      const root = rootPid === null ? undefined : byPid.get(rootPid);
      const workers = [...byPid.values()].filter((a) => a !== root).sort((a, b) => a.pid - b.pid);
      return root ? [root, ...workers] : workers;
    },
    root: () => (rootPid === null ? null : (byPid.get(rootPid) ?? null)),
    agentless: () => runtimes.agentless(),
    async close() {
      for (const p of [...byPid.keys()]) drop(p);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
