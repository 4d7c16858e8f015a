// The heap agent of a target: injected into services through their environment (no code change),
// built into function workers. The runner uses it to force a GC before measuring and to collect
// suspects (heap snapshots, tracemalloc, gc type counts, handles, warnings). In a service every
// process of the tree that loads it serves it (treeAgents.ts): a pre-fork server's workers too.
import path from 'node:path';
import { agentEnv } from '../agents/suspectCollector.ts';
import { agentSocketOf, createTreeAgents, type TreeAgents } from './treeAgents.ts';
import type { AgentHandle, Runtime } from './agentHandle.ts';
import { isRunning } from '../probes/procfs.ts';

// tracemalloc (allocation sites with tracebacks) is off unless the scenario's env sets
// PYTHONTRACEMALLOC=<frames>: it slows an allocation-heavy target 15x at 1 frame and 45x at 10
// (fixtures/crew, measured). Without it, Python suspects come from gc type counts, their referrer
// chains to a module global (file:line), open resources and warnings.

/** The runtime behind a service command, from its executable's name; null for wrappers we cannot see into. */
export function runtimeOf(command: string[]): Runtime | null {
  const exe = path.basename(command[0] ?? '');
  if (/^(node|nodejs)(\d+)?$/.test(exe)) return 'node';
  if (/^python(\d+(\.\d+)?)?$/.test(exe)) return 'python';
  return null;
}

/**
 * The env that injects the agent into every process of the tree, each serving on <socketDir>/<pid>.sock,
 * put in front of whatever NODE_OPTIONS / PYTHONPATH the target already has.
 */
export function injectAgentEnv(runtime: Runtime, socketDir: string, env: Record<string, string>): Record<string, string> {
  const { SEEP_AGENT_SOCKET: _firstProcessOnly, ...add } = agentEnv(runtime, '');
  const out: Record<string, string> = { ...env, ...add, SEEP_AGENT_DIR: socketDir };
  if (add.NODE_OPTIONS && env.NODE_OPTIONS) out.NODE_OPTIONS = `${add.NODE_OPTIONS} ${env.NODE_OPTIONS}`;
  if (add.PYTHONPATH && env.PYTHONPATH) out.PYTHONPATH = `${add.PYTHONPATH}${path.delimiter}${env.PYTHONPATH}`;
  // agentEnv turns tracemalloc on; keep the user's choice instead (see above)
  if (runtime === 'python') {
    if (env.PYTHONTRACEMALLOC === undefined) delete out.PYTHONTRACEMALLOC;
    else out.PYTHONTRACEMALLOC = env.PYTHONTRACEMALLOC;
  }
  return out;
}

/** The agents of a service, whose instances (one, or one per restart) all serve in the same folder. */
export interface ServiceAgent {
  runtime: Runtime | null;
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
  /** force a GC in every process through its agent; false when there is none */
  gc(): Promise<boolean>;
  /** disconnect and remove the socket files, which outlive a killed target */
  close(): Promise<void>;
}

export function serviceAgent(command: string[], env: Record<string, string>, cookie: string, signal: AbortSignal): ServiceAgent {
  const runtime = runtimeOf(command);
  const tree: TreeAgents | null = runtime ? createTreeAgents(runtime, cookie, signal) : null;
  let problem: string | undefined = runtime ? undefined : `no heap agent: cannot tell the runtime of '${command[0]}' (node or python3 commands get one)`;
  // the kernel's limit on a unix socket path (sun_path, 108 bytes with its NUL), for the largest pid (pid_max 2^22)
  const longest = tree ? agentSocketOf(tree.dir, 4_194_304) : '';
  const tooLong = Buffer.byteLength(longest) > 107;
  if (tooLong) problem = `no heap agent: its sockets would be over the 107 bytes a unix socket path may have (${longest}): set TMPDIR to a shorter folder`;
  return {
    runtime,
    env: runtime && tree && !tooLong ? injectAgentEnv(runtime, tree.dir, env) : env,
    async connect(treePids) {
      if (tooLong) return;
      await tree?.connectRoot(treePids).catch((err: unknown) => {
        problem = `heap agent did not answer: ${(err as Error).message}`;
      });
    },
    follow: async (treePids) => tree?.follow(treePids),
    handle: () => tree?.root() ?? null,
    handles: () => tree?.handles() ?? [],
    problem: () => problem,
    async gc() {
      const all = tree?.handles() ?? [];
      if (all.length === 0) return false;
      // a worker that exited since the tree was read (recycled) has nothing left to collect
      await Promise.all(all.map((a) => a.request('gc').catch((err: unknown) => {
        if (a.role === 'root' || isRunning(a.pid)) throw new Error(`pid ${a.pid} (${a.role}): ${(err as Error).message}`, { cause: err });
      })));
      return true;
    },
    close: async () => tree?.close(),
  };
}
