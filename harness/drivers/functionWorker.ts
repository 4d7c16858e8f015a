import fs from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModuleSpec } from '../scenario/types.ts';
import type { OutputHandler } from './outputStreams.ts';
import { raceExit, spawnTarget, targetEnv, type ExitStatus } from './spawnTarget.ts';
import { JsonLinesChannel } from '../channel/jsonLinesChannel.ts';
import { nodeScriptArgs } from './nodeScriptArgs.ts';

const DEFAULT_CALL_TIMEOUT_MS = 30_000;
/** loading through tsx compiles on first import; give a cold start on a busy 2-core machine room */
export const LOAD_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 2_000;

export interface FunctionWorkerOptions {
  repoRoot: string;
  env: Record<string, string>;
  onOutput: OutputHandler;
  signal?: AbortSignal;
  /** the Python interpreter; default python3 from PATH */
  python?: string;
}

export interface FunctionWorker {
  pid: number;
  runtime: 'python' | 'node';
  /** call an exported function; awaits coroutines/promises; rejects with TargetError when it raises */
  call(fn: string, args: unknown[], timeoutMs?: number): Promise<unknown>;
  /** any op of the worker's dispatch table (call, gc, ping, and ops added later) */
  request(op: string, params?: object, timeoutMs?: number): Promise<unknown>;
  /** a full collection in the worker: gc.collect() / global.gc() twice; with sites, a Node worker's
   * first pass is the profile the boundary's allocation-sites read walks (agents/node/seepAgent.cjs collect()) */
  gc(sites?: boolean): Promise<void>;
  exited: Promise<ExitStatus>;
  /** close the channel (the worker exits on its own), then SIGTERM, then SIGKILL its process group */
  stop(): Promise<void>;
}

const workersDir = fileURLToPath(new URL('./workers/', import.meta.url));

/** The argv that runs the worker for a module, by its extension. */
export function workerCommand(modulePath: string, python = 'python3'): { runtime: 'python' | 'node'; argv: string[] } {
  const ext = path.extname(modulePath);
  if (ext === '.py') return { runtime: 'python', argv: [python, path.join(workersDir, 'pythonWorker.py'), modulePath] };
  if (!['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'].includes(ext)) {
    throw new Error(`module ${modulePath}: expected a .py, .js, .mjs, .cjs or .ts file`);
  }
  // the loader goes before the worker: the worker itself is plain JavaScript, the module may not be
  const loader = nodeScriptArgs(modulePath).slice(0, -1);
  return { runtime: 'node', argv: [process.execPath, '--expose-gc', ...loader, path.join(workersDir, 'nodeWorker.mjs'), modulePath] };
}

/**
 * Load a module in a worker process of its own runtime (never in seep's process) and return a handle
 * to call its functions. The worker's cwd is the repo root and the module's folder is importable.
 * A worker that dies rejects every pending call with its exit status and last stderr lines.
 */
export async function startFunctionWorker(spec: ModuleSpec, opts: FunctionWorkerOptions): Promise<FunctionWorker> {
  opts.signal?.throwIfAborted();
  const modulePath = path.resolve(opts.repoRoot, spec.path);
  if (!fs.statSync(modulePath, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`module ${spec.path} not found (looked for ${modulePath})`);
  }
  const { runtime, argv } = workerCommand(modulePath, opts.python);
  const target = await spawnTarget(argv, {
    cwd: opts.repoRoot,
    env: targetEnv(opts.env, spec.env),
    onOutput: opts.onOutput,
    extraStdio: ['pipe'],
  });
  const channel = new JsonLinesChannel(target.child.stdio[3] as Socket, (err) => {
    // a reset channel almost always means the worker is dying: wait for its exit, which names the
    // signal and shows stderr; only a worker that lives on gets the bare socket error
    const timer = setTimeout(() => channel.fail(new Error(`the ${runtime} worker's channel failed: ${err.message}`, { cause: err })), 1000);
    void target.exited.then(() => clearTimeout(timer));
  });
  void target.exited.then((s) => {
    channel.fail((what) => new Error(target.exitReason(s, what)));
    channel.destroy();
  });

  const stop = async () => {
    if (target.exitStatus()) return;
    channel.close();
    let timer: NodeJS.Timeout | undefined;
    const left = await Promise.race([target.exited, new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), STOP_GRACE_MS)))]);
    clearTimeout(timer);
    if (left === 'late') await target.stop(STOP_GRACE_MS);
  };

  try {
    let timer: NodeJS.Timeout | undefined;
    const loadTimeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the ${runtime} worker did not load ${spec.path} within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
    });
    const aborted = new Promise<never>((_, reject) => opts.signal?.addEventListener('abort', () => reject(opts.signal!.reason), { once: true }));
    try {
      await raceExit(target, Promise.race([channel.ready(), loadTimeout, aborted]), `loading ${spec.path}`);
    } finally {
      clearTimeout(timer);
    }
  } catch (err) {
    await stop();
    throw err;
  }

  const request = (op: string, params: object = {}, timeoutMs = DEFAULT_CALL_TIMEOUT_MS) => channel.request(op, params, `${op} in the ${runtime} worker`, timeoutMs);
  return {
    pid: target.pid,
    runtime,
    request,
    call: (fn, args, timeoutMs = DEFAULT_CALL_TIMEOUT_MS) => channel.request('call', { fn, args }, `${fn}()`, timeoutMs),
    gc: async (sites) => {
      await request('gc', sites === true ? { sites } : {});
    },
    exited: target.exited,
    stop,
  };
}
