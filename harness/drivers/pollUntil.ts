/** One readiness attempt: true when ready, else a short reason kept for the timeout message. */
export type Attempt = () => Promise<true | string>;

export interface PollOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** first pause between attempts; grows by half each time up to maxDelayMs */
  firstDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Repeat `attempt` with short, growing pauses until it succeeds, the time is up or `signal` aborts.
 * Short first pauses because most targets are ready within a few hundred ms; the cap keeps a slow
 * start from being polled hard on a 2-core machine.
 */
export async function pollUntil(attempt: Attempt, opts: PollOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let delay = opts.firstDelayMs ?? 20;
  let last = 'no attempt finished';
  for (;;) {
    opts.signal?.throwIfAborted();
    const result = await attempt();
    if (result === true) return;
    last = result;
    const left = deadline - Date.now();
    if (left <= 0) throw new PollTimeout(opts.timeoutMs, last);
    await sleep(Math.min(delay, left), opts.signal);
    delay = Math.min(delay * 1.5, opts.maxDelayMs ?? 250);
  }
}

export class PollTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly lastReason: string,
  ) {
    super(`not ready after ${timeoutMs} ms (last attempt: ${lastReason})`);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
