// The heap agent of a target: injected into services through their environment (no code change),
// built into function workers. The runner uses it to force a GC before measuring and to collect
// suspects (heap snapshots, tracemalloc, gc type counts, handles, warnings). In a service every
// process of the tree that loads it serves it (treeAgents.ts): a pre-fork server's workers too.
import path from 'node:path';
import { agentEnv } from '../agents/suspectCollector.ts';
import { agentSocketOf } from './agentSockets.ts';
import { createTreeAgents, type TreeAgents } from './treeAgents.ts';
import type { AgentHandle, Runtime } from './agentHandle.ts';
import { isRunning } from '../probes/procfs.ts';
import type { AgentlessProcess } from '../report/runReportSchema.ts';
import type { GcOutcome } from './runTarget.ts';

// tracemalloc (allocation sites with tracebacks) is off unless the scenario's env sets
// PYTHONTRACEMALLOC=<frames>: it slows an allocation-heavy target 15x at 1 frame and 45x at 10
// (fixtures/crew, measured). Without it, Python suspects come from gc type counts, their referrer
// chains to a module global (file:line), open resources and warnings.

/**
 * The env that injects the agent into every process of the tree, whatever started it (npm, a shell
 * script, a console script such as gunicorn): NODE_OPTIONS for every Node process and PYTHONPATH with
 * the sitecustomize hook for every Python interpreter, each serving on <socketDir>/<pid>.sock, put in
 * front of whatever NODE_OPTIONS / PYTHONPATH the target already has.
 */
export function injectAgentEnv(socketDir: string, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...env, SEEP_AGENT_DIR: socketDir };
  for (const runtime of ['node', 'python'] as const) {
    const { SEEP_AGENT_SOCKET: _firstProcessOnly, PYTHONTRACEMALLOC: _tracing, ...add } = agentEnv(runtime, '');
    Object.assign(out, add);
  }
  if (env.NODE_OPTIONS) out.NODE_OPTIONS = `${out.NODE_OPTIONS} ${env.NODE_OPTIONS}`;
  if (env.PYTHONPATH) out.PYTHONPATH = `${out.PYTHONPATH}${path.delimiter}${env.PYTHONPATH}`;
  // agentEnv turns tracemalloc on; a service keeps the user's choice instead (see above)
  return out;
}

/** The agents of a service, whose instances (one, or one per restart) all serve in the same folder. */
export interface ServiceAgent {
  /** the runtime of the root agent, once connected */
  runtime(): Runtime | null;
  /** the service's env with the agent injected */
  env: Record<string, string>;
  /** (re)connect to the root of the instance running now; a failure leaves no agent and says why in problem() */
  connect(treePids: () => Promise<number[]>): Promise<void>;
  /** follow the tree: connect to the agents of its new processes, drop those of processes gone */
  follow(treePids: number[]): Promise<void>;
  /** the root's agent */
  handle(): AgentHandle | null;
  /** every process's agent, the root's first */
  handles(): AgentHandle[];
  problem(): string | undefined;
  /** processes of a known runtime in the tree with no agent answering, with why */
  agentless(): { listed: AgentlessProcess[]; more: number };
  /**
   * force a GC in every process through its agent ('none' when there is none); with reuseWithinMs,
   * not in a process whose own last full GC ended that recently ('reused' when no process was forced);
   * with sites, a forced GC serves the allocation-site read that follows (RunTarget.gc)
   */
  gc(reuseWithinMs?: number, sites?: boolean): Promise<GcOutcome>;
  /** disconnect and remove the socket files, which outlive a killed target */
  close(): Promise<void>;
}

export function serviceAgent(env: Record<string, string>, cookie: string, signal: AbortSignal): ServiceAgent {
  const tree: TreeAgents = createTreeAgents(cookie, signal);
  let problem: string | undefined;
  // the kernel's limit on a unix socket path (sun_path, 108 bytes with its NUL), for the largest pid (pid_max 2^22)
  const longest = agentSocketOf(tree.dir, 4_194_304);
  const tooLong = Buffer.byteLength(longest) > 107;
  if (tooLong) problem = `no heap agent: its sockets would be over the 107 bytes a unix socket path may have (${longest}): set TMPDIR to a shorter folder`;
  return {
    runtime: () => tree.root()?.runtime ?? null,
    env: tooLong ? env : injectAgentEnv(tree.dir, env),
    async connect(treePids) {
      if (tooLong) return;
      problem = undefined;
      await tree.connectRoot(treePids).catch((err: unknown) => {
        problem = `no heap agent: ${(err as Error).message}`;
      });
    },
    follow: async (treePids) => tree.follow(treePids),
    handle: () => tree.root(),
    handles: () => tree.handles(),
    problem: () => problem,
    agentless: () => tree.agentless(),
    async gc(reuseWithinMs, sites) {
      const all = tree.handles();
      if (all.length === 0) return 'none';
      const params = { ...(reuseWithinMs === undefined ? {} : { reuseWithinMs }), ...(sites ? { sites } : {}) };
      // a worker that exited since the tree was read (recycled) has nothing left to collect
      const replies = await Promise.all(all.map((a) => a.request('gc', params).catch((err: unknown) => {
        if (a.role === 'root' || isRunning(a.pid)) throw new Error(`pid ${a.pid} (${a.role}): ${(err as Error).message}`, { cause: err });
        return null;
      })));
      // an agent that does not know reuseWithinMs forces, and says nothing of it
      const answered = replies.filter((r) => r !== null) as ({ forced?: boolean } | null)[];
      return answered.length > 0 && answered.every((r) => r?.forced === false) ? 'reused' : 'forced';
    },
    close: async () => tree.close(),
  };
}
