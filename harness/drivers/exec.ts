import path from 'node:path';
import type { ExecOptions, ExecResult } from '../scenario/types.ts';
import type { OutputHandler } from './outputStreams.ts';
import { spawnTarget, targetEnv } from './spawnTarget.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
const OUTPUT_KEPT_BYTES = 1024 * 1024;
/** after exit, how long to wait for the pipes to drain: a descendant holding them open must not block us */
const DRAIN_MS = 200;

/** `env` is the child's whole environment: the caller merges the step's `ExecOptions.env` into it. */
export type ExecDriverOptions = ExecOptions & {
  repoRoot: string;
  env: Record<string, string>;
  onOutput: OutputHandler;
  signal?: AbortSignal;
};

export class ExecError extends Error {
  constructor(
    message: string,
    readonly result: ExecResult | undefined,
  ) {
    super(message);
  }
}

/**
 * Run a command to completion in its own process group, its output forwarded to `onOutput` and the last
 * 1 MB of each stream kept. Resolves when the command exits with a code in `okCodes`.
 * Escaped descendants are left alone once the command itself has exited: the runner counts them as
 * orphans, and killing them here would hide exactly the leak seep looks for. Only a timeout or an abort
 * kills the group, because then the command itself is still running.
 */
export async function execCommand(argv: string[], opts: ExecDriverOptions): Promise<ExecResult> {
  opts.signal?.throwIfAborted();
  const started = Date.now();
  const target = await spawnTarget(argv, {
    cwd: path.resolve(opts.repoRoot, opts.cwd ?? '.'),
    env: targetEnv(opts.env),
    onOutput: opts.onOutput,
    stdin: opts.input === undefined ? 'ignore' : 'pipe',
    tailBytes: OUTPUT_KEPT_BYTES,
  });
  let stdinError: Error | undefined;
  if (opts.input !== undefined && target.child.stdin) {
    const stdin = target.child.stdin;
    stdin.on('error', (err: NodeJS.ErrnoException) => {
      // a command may exit without reading all its input (EPIPE); that is its business, not an error
      if (err.code !== 'EPIPE') stdinError = err;
    });
    stdin.end(opts.input);
  }

  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let killedFor: string | undefined;
  const kill = (why: string) => {
    killedFor ??= why;
    target.signalGroup('SIGKILL');
  };
  const onAbort = () => kill('aborted');
  const timer = setTimeout(() => kill(`timed out after ${timeoutMs} ms`), timeoutMs);
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const status = await target.exited;
  clearTimeout(timer);
  opts.signal?.removeEventListener('abort', onAbort);
  await drained(target.child, DRAIN_MS);

  const result: ExecResult = {
    code: status.code,
    signal: status.signal,
    stdout: target.output.stdout.text(),
    stderr: target.output.stderr.text(),
    durationMs: Date.now() - started,
  };
  if (killedFor === 'aborted') throw opts.signal?.reason ?? new Error(`'${argv.join(' ')}' was aborted`);
  if (killedFor) throw new ExecError(target.exitReason(status, `running: ${killedFor}, so seep killed its process group`), result);
  if (stdinError) throw new ExecError(`writing the input of '${argv.join(' ')}' failed: ${stdinError.message}`, result);
  const okCodes = opts.okCodes ?? [0];
  if (status.code === null || !okCodes.includes(status.code)) {
    const expected = okCodes.length === 1 ? `expected ${okCodes[0]}` : `expected one of ${okCodes.join(', ')}`;
    throw new ExecError(`${target.exitReason(status)} (${expected})`, result);
  }
  return result;
}

/** Resolve when both pipes closed or after `ms`, whichever first. */
function drained(child: { stdout: NodeJS.ReadableStream | null; stderr: NodeJS.ReadableStream | null }, ms: number): Promise<void> {
  const closed = (s: NodeJS.ReadableStream | null) =>
    new Promise<void>((r) => {
      if (!s || (s as unknown as { closed?: boolean }).closed) r();
      else s.once('close', () => r());
    });
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.all([closed(child.stdout), closed(child.stderr)]).then(() => undefined),
    new Promise<void>((r) => (timer = setTimeout(r, ms))),
  ]).finally(() => clearTimeout(timer));
}
