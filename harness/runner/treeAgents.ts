// The agents of a target's process tree: every process that loaded seep's agent serves it on
// <dir>/<pid>.sock (a pre-fork server's master and each of its workers), so the engine can force a
// GC and read the heap in all of them, not only in the process it started. The set follows the
// tree: a worker that appears is connected at the next boundary, one that is gone is dropped. A
// socket file of a dead process is never connected to: only pids in the tree now are.
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAgent } from '../agents/agentClient.ts';
import type { AgentHandle, Runtime } from './agentHandle.ts';

/** How long a worker whose socket file exists may take to listen on it (Python binds, then listens). */
const WORKER_CONNECT_MS = 500;
/** How long the process seep started may take to load its agent (as long as a single agent had). */
const ROOT_CONNECT_MS = 10_000;

export function agentSocketDir(cookie: string): string {
  // unix socket paths are limited to 107 bytes: keep it short and in the temp dir
  // (/tmp/seep-agents-<24>/<pid>.sock is about 55)
  return path.join(os.tmpdir(), `seep-agents-${cookie.slice(-24)}`);
}

export function agentSocketOf(dir: string, pid: number): string {
  return path.join(dir, `${pid}.sock`);
}

export interface TreeAgents {
  readonly dir: string;
  /** (re)connects to the root agent of the instance running now, waiting for it to listen */
  connectRoot(treePids: () => Promise<number[]>): Promise<void>;
  /** connects to the agents of new processes of the tree, drops those of processes gone */
  follow(treePids: number[]): Promise<void>;
  /** the root's first, then the workers' by pid */
  handles(): AgentHandle[];
  root(): AgentHandle | null;
  /** disconnects every agent and removes the socket folder (the files outlive killed processes) */
  close(): Promise<void>;
}

/** Creates the socket folder at once: the target's agents bind in it as they start. */
export function createTreeAgents(runtime: Runtime, cookie: string, signal: AbortSignal): TreeAgents {
  const dir = agentSocketDir(cookie);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let rootPid: number | null = null;
  const byPid = new Map<number, AgentHandle>();
  // pids whose socket file refused us (a stale file whose pid a non-agent process reuses): not retried while in the tree
  const refused = new Set<number>();
  // while the root of a new instance is being found, the set is not followed (it would take the root for a worker)
  let findingRoot = false;

  async function connect(pid: number, role: AgentHandle['role'], timeoutMs: number): Promise<AgentHandle> {
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
    // the root agent is the one nearest the process seep started (that process itself, unless a
    // wrapper of the runtime forked it): the first pid of the tree, roots first, that serves one
    const deadline = Date.now() + ROOT_CONNECT_MS;
    for (;;) {
      signal.throwIfAborted();
      const pid = (await treePids()).find((p) => existsSync(agentSocketOf(dir, p)));
      if (pid !== undefined) {
        rootPid = pid;
        byPid.set(pid, await connect(pid, 'root', Math.max(1000, deadline - Date.now())));
        return;
      }
      if (Date.now() >= deadline) throw new Error(`no seep agent served in ${dir} within ${ROOT_CONNECT_MS} ms`);
      await sleep(50);
    }
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
      const fresh = treePids.filter((pid) => !byPid.has(pid) && !refused.has(pid) && existsSync(agentSocketOf(dir, pid)));
      await Promise.all(fresh.map(async (pid) => {
        const a = await connect(pid, pid === rootPid ? 'root' : 'worker', WORKER_CONNECT_MS).catch(() => null);
        if (a) byPid.set(pid, a);
        else refused.add(pid);
      }));
    },
    handles() {
      const root = rootPid === null ? undefined : byPid.get(rootPid);
      const workers = [...byPid.values()].filter((a) => a !== root).sort((a, b) => a.pid - b.pid);
      return root ? [root, ...workers] : workers;
    },
    root: () => (rootPid === null ? null : (byPid.get(rootPid) ?? null)),
    async close() {
      for (const p of [...byPid.keys()]) drop(p);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
