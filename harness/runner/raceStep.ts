// Every wait on the target races its death, a timeout and the run's abort signal, so a crashed
// or hung target turns into an error that says which and when, never a hang.

export class StepError extends Error {}

const DEATH_GRACE_MS = 300;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function raceStep<T>(
  run: () => T | Promise<T>,
  opts: { what: string; timeoutMs: number; died: Promise<string>; signal: AbortSignal },
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      (async () => {
        try {
          return await run();
        } catch (err) {
          const e = err as Error;
          // A step often fails because the target just died (connection reset): say so when it did.
          const death = await Promise.race([opts.died, delay(DEATH_GRACE_MS).then(() => null)]);
          const because = death ? ` (${death})` : '';
          throw new StepError(`${opts.what} threw: ${e?.message ?? String(err)}${because}`, { cause: err });
        }
      })(),
      opts.died.then((reason): never => {
        throw new StepError(`${opts.what}: ${reason}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new StepError(`${opts.what} timed out after ${opts.timeoutMs} ms`)), opts.timeoutMs);
      }),
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new StepError(`${opts.what} interrupted`));
        if (opts.signal.aborted) onAbort();
        else opts.signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    if (onAbort) opts.signal.removeEventListener('abort', onAbort);
  }
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
