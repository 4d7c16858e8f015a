// The heap agent of a target: injected into services through their environment (no code change),
// built into function workers. The runner uses it to force a GC before measuring and to collect
// suspects (heap snapshots, tracemalloc, gc type counts, handles, warnings).
import os from 'node:os';
import path from 'node:path';
import { agentEnv } from '../agents/suspectCollector.ts';
import { rm } from 'node:fs/promises';
import { connectAgent } from '../agents/agentClient.ts';

export type Runtime = 'node' | 'python';

export interface AgentHandle {
  runtime: Runtime;
  /** timeoutMs: how long to wait for the reply (the client's default when absent) */
  request(op: string, params?: object, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

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

export function agentSocketPath(cookie: string): string {
  // unix socket paths are limited to 107 bytes: keep it short and in the temp dir
  return path.join(os.tmpdir(), `seep-${cookie.slice(-24)}.sock`);
}

/** The env that injects the agent, put in front of whatever NODE_OPTIONS / PYTHONPATH the target already has. */
export function injectAgentEnv(runtime: Runtime, socketPath: string, env: Record<string, string>): Record<string, string> {
  const add = agentEnv(runtime, socketPath);
  const out = { ...env, ...add };
  if (add.NODE_OPTIONS && env.NODE_OPTIONS) out.NODE_OPTIONS = `${add.NODE_OPTIONS} ${env.NODE_OPTIONS}`;
  if (add.PYTHONPATH && env.PYTHONPATH) out.PYTHONPATH = `${add.PYTHONPATH}${path.delimiter}${env.PYTHONPATH}`;
  // agentEnv turns tracemalloc on; keep the user's choice instead (see above)
  if (runtime === 'python') {
    if (env.PYTHONTRACEMALLOC === undefined) delete out.PYTHONTRACEMALLOC;
    else out.PYTHONTRACEMALLOC = env.PYTHONTRACEMALLOC;
  }
  return out;
}

async function connectServiceAgent(runtime: Runtime, socketPath: string, signal: AbortSignal): Promise<AgentHandle> {
  const client = await connectAgent(socketPath, { timeoutMs: 10_000, signal });
  return { runtime, request: (op, params, timeoutMs) => client.request(op, params, timeoutMs), close: () => client.close() };
}

/** The agent of a service, whose instances (one, or one per restart) all use the same socket path. */
export interface ServiceAgent {
  runtime: Runtime | null;
  /** the service's env with the agent injected */
  env: Record<string, string>;
  /** (re)connect to the instance running now; a failure leaves no agent and says why in problem() */
  connect(): Promise<void>;
  handle(): AgentHandle | null;
  problem(): string | undefined;
  /** force a GC through the agent; false when there is none */
  gc(): Promise<boolean>;
  /** disconnect and remove the socket file, which outlives a killed target */
  close(): Promise<void>;
}

export function serviceAgent(command: string[], env: Record<string, string>, cookie: string, signal: AbortSignal): ServiceAgent {
  const runtime = runtimeOf(command);
  const socketPath = agentSocketPath(cookie);
  let agent: AgentHandle | null = null;
  let problem: string | undefined = runtime ? undefined : `no heap agent: cannot tell the runtime of '${command[0]}' (node or python3 commands get one)`;
  return {
    runtime,
    env: runtime ? injectAgentEnv(runtime, socketPath, env) : env,
    async connect() {
      agent?.close();
      agent = null;
      if (!runtime) return;
      agent = await connectServiceAgent(runtime, socketPath, signal).catch((err: unknown) => {
        problem = `heap agent did not answer: ${(err as Error).message}`;
        return null;
      });
    },
    handle: () => agent,
    problem: () => problem,
    async gc() {
      if (!agent) return false;
      await agent.request('gc');
      return true;
    },
    async close() {
      agent?.close();
      agent = null;
      await rm(socketPath, { force: true });
    },
  };
}
