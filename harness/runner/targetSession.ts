// Starts a module's function worker, or nothing for CLI scenarios whose steps exec commands, and
// gives the runner one face for both; the step context and ctx.exec every kind of target shares.
import path from 'node:path';
import type { HttpClient, StepContext } from '../scenario/types.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { startFunctionWorker } from '../drivers/functionWorker.ts';
import { execCommand } from '../drivers/exec.ts';
import type { HttpClientOptions } from '../drivers/httpClient.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { cliAgentEnv } from '../agents/cliDumps.ts';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import type { AgentHandle } from './agentHandle.ts';

type OnOutput = (stream: 'stdout' | 'stderr', chunk: Buffer) => void;

export interface TargetSession {
  kind: 'module' | 'cli';
  runtime?: 'python' | 'node';
  command?: string[];
  /** pids whose trees are the target now */
  rootPids(): number[];
  /** force a collection where the runtime allows it (sites: as RunTarget.gc's); false when it could not */
  gc(sites?: boolean): Promise<boolean>;
  /** resolves with a reason when the target dies on its own */
  died: Promise<string>;
  context: Omit<StepContext, 'iteration' | 'phase' | 'signal'>;
  /** the heap agent inside the target, when there is one */
  agent: AgentHandle | null;
  /** why there is no agent, when there is none */
  agentProblem?: string;
  /** CLI scenarios: where the Python agent of each invocation writes what it saw at exit */
  cliDumps?: { dir: string; setPhase(phase: 'warmup' | 'measured'): void };
  stop(): Promise<void>;
}

export interface TargetOptions {
  repoRoot: string;
  /** the targets' env; its SEEP_RUN_COOKIE also names the agent's socket */
  env: Record<string, string>;
  onOutput: OnOutput;
  signal: AbortSignal;
  /** a service's step requests reset by a worker exiting are retried when this says why (resetRetry.ts) */
  retryOnReset?: HttpClientOptions['retryOnReset'];
  /** called as each of a service's step requests goes out (resetRetry.ts keeps the tree as of then) */
  beforeRequest?: HttpClientOptions['beforeRequest'];
}

export function noHttp(kind: string): HttpClient {
  const fail = async (): Promise<never> => {
    throw new Error(`ctx.http is only available in service scenarios (this one drives a ${kind})`);
  };
  return { baseUrl: '', get: fail, post: fail, request: fail, cookie: () => undefined };
}

const NEVER = new Promise<string>(() => undefined);

/** ctx.exec of every kind of target: the command runs with the scenario's env, plus `extra` (the CLI agent's, per phase). */
export function planExec(plan: Pick<RunPlan, 'env'>, opts: TargetOptions, extra: Record<string, string> = {}): StepContext['exec'] {
  const env = { ...opts.env, ...plan.env };
  return (argv, execOpts = {}) =>
    execCommand(argv, {
      ...execOpts,
      repoRoot: opts.repoRoot,
      env: { ...env, ...extra, ...execOpts.env },
      onOutput: opts.onOutput,
      signal: opts.signal,
    });
}

export const noCall = async (): Promise<never> => {
  throw new Error('ctx.call is only available in module scenarios');
};

/** A module's worker or a CLI scenario's commands. Services are restartableTarget.ts's, whose instances may come and go. */
export async function startTarget(plan: Pick<RunPlan, 'env' | 'stepTimeoutMs'> & { target: Exclude<RunPlan['target'], { kind: 'service' }> }, opts: TargetOptions): Promise<TargetSession> {
  const env = { ...opts.env, ...plan.env };
  const execEnv: Record<string, string> = {}; // set per phase for CLI scenarios (agent dumps)
  const exec = planExec(plan, opts, execEnv);
  const target = plan.target;

  if (target.kind === 'module') {
    const worker = await startFunctionWorker(target, { repoRoot: opts.repoRoot, env, onOutput: opts.onOutput });
    return {
      kind: 'module',
      runtime: worker.runtime,
      command: [worker.runtime === 'python' ? 'python3' : 'node', path.normalize(target.path)],
      rootPids: () => [worker.pid],
      gc: async (sites) => {
        await worker.gc(sites);
        return true;
      },
      died: worker.exited.then((s) => `the ${worker.runtime} worker exited (${s.signal ? `signal ${s.signal}` : `code ${s.code}`})`),
      context: { http: noHttp('module'), call: (fn, args = []) => worker.call(fn, args, plan.stepTimeoutMs), exec, port: undefined },
      agent: { runtime: worker.runtime, pid: worker.pid, role: 'root', request: (op, params, timeoutMs) => worker.request(op, params, timeoutMs), close: () => undefined },
      stop: () => worker.stop(),
    };
  }
  const dir = path.join(os.tmpdir(), `seep-cli-${(opts.env[COOKIE_ENV] ?? String(process.pid)).slice(-24)}`);
  return {
    kind: 'cli',
    // dumps start only when the runner names a phase (the soak loop never does: no files pile up)
    cliDumps: {
      dir,
      setPhase: (phase) => {
        mkdirSync(dir, { recursive: true });
        Object.assign(execEnv, cliAgentEnv(dir, phase, env));
      },
    },
    rootPids: () => [],
    gc: async () => false,
    died: NEVER,
    context: { http: noHttp('CLI'), call: noCall, exec, port: undefined },
    agent: null,
    stop: async () => undefined,
  };
}
