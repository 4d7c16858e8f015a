import path from 'node:path';
import type { ServiceSpec } from '../scenario/types.ts';
import { freePort } from './freePort.ts';
import { lineSplitter, type OutputHandler } from './outputStreams.ts';
import { pollUntil, PollTimeout } from './pollUntil.ts';
import { describeReady, httpReady, lineMatcher, tcpReady } from './readiness.ts';
import { raceExit, spawnTarget, targetEnv, type ExitStatus } from './spawnTarget.ts';

export const DEFAULT_READY_TIMEOUT_MS = 15_000;
const DEFAULT_STOP_GRACE_MS = 5_000;

export interface ServiceOptions {
  repoRoot: string;
  env: Record<string, string>;
  onOutput: OutputHandler;
  signal?: AbortSignal;
  /** listen on this port instead of a fresh one: a restarted service keeps the address steps use */
  port?: number;
}

export interface RunningService {
  pid: number;
  port: number;
  baseUrl: string;
  /** argv as started, '{port}' filled in */
  command: string[];
  exited: Promise<ExitStatus>;
  isRunning(): boolean;
  /**
   * SIGTERM to the process seep started, as its manager would signal it; `graceMs` (default 5 s) to
   * stop its workers; then SIGTERM and SIGKILL to the rest of its group. Resolves when the leader
   * exited: true when it ignored SIGTERM for graceMs and was killed.
   */
  stop(graceMs?: number): Promise<boolean>;
  /** after the service died: ends what is left of its process group; resolves to how many were left */
  endGroup(graceMs?: number): Promise<number>;
  /** "'cmd' exited with code 1; last stderr lines: ..." for a runner reporting an unexpected exit */
  exitReason(status: ExitStatus, during?: string): string;
}

/**
 * Start a service and wait until it is ready. The wait races the service's exit: a service that crashes
 * while starting rejects at once with its exit status and stderr, not after the timeout. A service that
 * is not ready in time is stopped before the rejection, so nothing is left behind.
 */
export async function startService(spec: ServiceSpec, opts: ServiceOptions): Promise<RunningService> {
  opts.signal?.throwIfAborted();
  const port = opts.port ?? (await freePort());
  const fill = (s: string) => s.replaceAll('{port}', String(port));
  const command = spec.command.map(fill);
  const specEnv = Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, fill(v)]));
  const baseUrl = `http://127.0.0.1:${port}`;
  const ready = spec.ready;

  let onOutput = opts.onOutput;
  let sawReadyLine: Promise<void> | undefined;
  if ('stdout' in ready) {
    const matches = lineMatcher(ready.stdout);
    let resolveLine!: () => void;
    sawReadyLine = new Promise((r) => (resolveLine = r));
    const split = lineSplitter((line) => {
      if (matches(line)) resolveLine();
    });
    onOutput = (stream, chunk) => {
      split(stream, chunk);
      opts.onOutput(stream, chunk);
    };
  }

  const target = await spawnTarget(command, {
    cwd: path.resolve(opts.repoRoot, spec.cwd ?? '.'),
    env: targetEnv(opts.env, specEnv),
    onOutput,
  });

  const timeoutMs = ready.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  // the wait ends with the race: a service that exited must not leave the poll (and seep) waiting out the timeout
  const waitOver = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, waitOver.signal]) : waitOver.signal;
  const waitReady = sawReadyLine
    ? withTimeout(sawReadyLine, timeoutMs, signal)
    : pollUntil('http' in ready ? httpReady(baseUrl, ready.http) : tcpReady(port), { timeoutMs, signal });
  try {
    await raceExit(target, waitReady, `waiting for ${describeReady(ready)}`).finally(() => waitOver.abort());
  } catch (err) {
    await target.stop(1000);
    if (!(err instanceof PollTimeout)) throw err;
    const usesPort = spec.command.some((a) => a.includes('{port}')) || Object.values(spec.env ?? {}).some((v) => v.includes('{port}'));
    const hint = usesPort ? '' : `\n(the command has no '{port}', so it does not know seep expects it on port ${port})`;
    const stderr = target.output.stderr.lastLines(15);
    throw new Error(
      `'${command.join(' ')}' was not ready after ${timeoutMs} ms waiting for ${describeReady(ready)}; last attempt: ${err.lastReason}${hint}` +
        (stderr.length ? `\nlast stderr lines:\n  ${stderr.join('\n  ')}` : ''),
      { cause: err },
    );
  }

  return {
    pid: target.pid,
    port,
    baseUrl,
    command,
    exited: target.exited,
    isRunning: () => target.exitStatus() === null,
    stop: (graceMs = DEFAULT_STOP_GRACE_MS) => target.stop(graceMs),
    endGroup: (graceMs = DEFAULT_STOP_GRACE_MS) => target.endGroup(graceMs),
    exitReason: target.exitReason,
  };
}

function withTimeout(p: Promise<void>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => finish(() => reject(signal!.reason));
    const timer = setTimeout(() => finish(() => reject(new PollTimeout(timeoutMs, 'no matching line yet'))), timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(() => finish(resolve));
  });
}
