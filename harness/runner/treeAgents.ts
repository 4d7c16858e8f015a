// The agents of a target's process tree: every process that loaded seep's agent serves it on
// <dir>/<pid>.sock (a pre-fork server's master and each of its workers), so the engine can force a
// GC and read the heap in all of them, not only in the process it started. The set follows the
// tree: a worker that appears is connected at the next boundary, one that is gone is dropped. A
// socket file of a dead process is never connected to: only pids in the tree now are.
//
// Which process runs which runtime is read from /proc (processRuntime.ts), never guessed from the
// command seep was given: `npm run serve` is npm, then sh, then the node that serves. A process of a
// known runtime with no agent serving is kept as agentless, with why (a launcher such as npm says
// so itself and is not one; python -I cannot load it; one that never answered).
import { existsSync, mkdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectAgent } from '../agents/agentClient.ts';
import { NODE_AGENT, PYTHON_AGENT_DIR } from '../agents/suspectCollector.ts';
import { processRuntime, type ProcessRuntime, type Runtime } from '../probes/processRuntime.ts';
import { describeProcess, readStatSync } from '../probes/procfs.ts';
import type { AgentlessProcess } from '../report/runReportSchema.ts';
import type { AgentHandle } from './agentHandle.ts';

/** How long a worker whose socket file exists may take to listen on it (Python binds, then listens). */
const WORKER_CONNECT_MS = 500;
/** How long the process seep started may take to load its agent (as long as a single agent had). */
const ROOT_CONNECT_MS = 10_000;
/**
 * How long a process of a known runtime may live in the tree with no socket before it is named as
 * agentless: the agent binds before the program's own code runs, in well under a second.
 */
const SILENT_AFTER_MS = 3000;
/** agentless processes kept for the report; a tree that forks one per request has them counted beyond */
const MAX_AGENTLESS = 20;

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
  /** processes of a known runtime seen in the tree with no agent answering, and how many beyond those listed */
  agentless(): { listed: AgentlessProcess[]; more: number };
  /** disconnects every agent and removes the socket folder (the files outlive killed processes) */
  close(): Promise<void>;
}

const MARKS = { pythonPath: PYTHON_AGENT_DIR, nodeRequire: NODE_AGENT };

interface Seen {
  starttime: number;
  firstSeen: number;
  info: ProcessRuntime | null;
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
  const seen = new Map<number, Seen>();
  const agentless = new Map<string, AgentlessProcess>();
  let moreAgentless = 0;

  /** what /proc says of pid, read once per process (a pid reused by another process is read again) */
  function classify(pid: number): ProcessRuntime | null {
    const starttime = readStatSync(pid, procRoot)?.starttime;
    if (starttime === undefined) return null;
    const known = seen.get(pid);
    if (known && known.starttime === starttime) return known.info;
    const info = processRuntime(pid, MARKS, procRoot);
    seen.set(pid, { starttime, firstSeen: Date.now(), info });
    return info;
  }

  const isLauncher = (pid: number) => existsSync(path.join(dir, `${pid}.launcher`));

  async function noteAgentless(pid: number, runtime: Runtime, why: string): Promise<void> {
    const key = `${pid}:${seen.get(pid)?.starttime ?? 0}`;
    if (agentless.has(key)) return;
    if (agentless.size >= MAX_AGENTLESS) {
      moreAgentless++;
      return;
    }
    agentless.set(key, { pid, runtime, command: await describeProcess(pid, procRoot), why });
  }

  /** processes of the tree that run a runtime, are not launchers and serve no agent: named with why once it is clear */
  async function findAgentless(treePids: number[]): Promise<void> {
    for (const pid of treePids) {
      if (byPid.has(pid)) continue;
      const info = classify(pid);
      if (!info?.runtime || isLauncher(pid)) continue;
      if (info.blocked) await noteAgentless(pid, info.runtime, info.blocked);
      else if (refused.has(pid)) await noteAgentless(pid, info.runtime, `its agent's socket (${agentSocketOf(dir, pid)}) refused the connection`);
      else if (!existsSync(agentSocketOf(dir, pid)) && Date.now() - seen.get(pid)!.firstSeen >= SILENT_AFTER_MS) {
        await noteAgentless(pid, info.runtime, `no agent served in it within ${SILENT_AFTER_MS / 1000} s, though its environment carries it (a runtime build that ignores ${info.runtime === 'node' ? 'NODE_OPTIONS' : 'PYTHONPATH'}?)`);
      }
    }
  }

  async function connect(pid: number, role: AgentHandle['role'], timeoutMs: number): Promise<AgentHandle> {
    const runtime = classify(pid)?.runtime;
    if (!runtime) throw new Error(`pid ${pid} serves a seep agent but runs neither node nor python`);
    const client = await connectAgent(agentSocketOf(dir, pid), { timeoutMs, signal });
    return { runtime, pid, role, request: (op, params, timeoutMs) => client.request(op, params, timeoutMs), close: () => client.close() };
  }

  const drop = (pid: number) => {
    byPid.get(pid)?.close();
    byPid.delete(pid);
  };

  /** the processes that could still load an agent: a known runtime, not a launcher, nothing in the way */
  const candidates = (pids: number[]) => pids.filter((p) => {
    const info = classify(p);
    return info?.runtime && !info.blocked && !isLauncher(p);
  });

  async function findRoot(treePids: () => Promise<number[]>): Promise<void> {
    for (const p of [...byPid.keys()]) drop(p);
    refused.clear();
    rootPid = null;
    // the root agent is the one nearest the process seep started (that process itself, unless a
    // launcher started it): the first pid of the tree, roots first, that serves one
    const started = Date.now();
    const deadline = started + ROOT_CONNECT_MS;
    for (;;) {
      signal.throwIfAborted();
      const pids = await treePids();
      const pid = pids.find((p) => existsSync(agentSocketOf(dir, p)));
      if (pid !== undefined) {
        rootPid = pid;
        byPid.set(pid, await connect(pid, 'root', Math.max(1000, deadline - Date.now())));
        return;
      }
      // the service is ready, so its program runs: a tree with no process that could load an agent
      // after a second (a shell's pause, a launcher's start-up) will not get one
      if (Date.now() - started >= 1000 && candidates(pids).length === 0) {
        await findAgentless(pids);
        const blocked = [...agentless.values()];
        throw new Error(blocked.length > 0
          ? `${blocked.map((b) => `pid ${b.pid} (${b.command}): ${b.why}`).join('; ')}`
          : `no process of its tree runs node or python (${(await Promise.all(pids.slice(0, 3).map((p) => describeProcess(p, procRoot)))).join('; ') || 'no process left'})`);
      }
      if (Date.now() >= deadline) {
        await findAgentless(pids);
        throw new Error(`no seep agent served in ${dir} within ${ROOT_CONNECT_MS} ms`);
      }
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
      for (const pid of [...seen.keys()]) if (!inTree.has(pid)) seen.delete(pid);
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
    agentless: () => ({ listed: [...agentless.values()], more: moreAgentless }),
    async close() {
      for (const p of [...byPid.keys()]) drop(p);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
