// Whether a step's request that failed with a reset connection may be retried: only when a worker of
// the target's tree exited at that moment (gunicorn --max-requests recycling it, a cluster worker
// replaced), as HTTP clients retry an idempotent request whose connection was closed under it. A
// reset with every process still there is the service's own doing, and stays the step's error.
// The tree's pids come from the samples the engine takes anyway (a few kept, with when they were
// taken): a worker that was in the tree when the request went out and is gone, or a zombie, within
// a second of the failure, is the one that closed it.
import { listTree, listTreeSync } from '../probes/processTree.ts';
import type { ResetFailure } from '../drivers/httpClient.ts';

/** the last samples' pid sets kept: at 4 Hz, two seconds of them */
const KEEP = 8;
/** older than this, the samples' pids do not say what the tree was as a request went out: read it then */
const STALE_MS = 400;
/**
 * How long the failure waits for the worker's exit to show in /proc (its socket closes as it dies):
 * this long, and this many reads of the tree, so that seep starved of CPU on a busy machine still
 * looks more than once before it calls the reset the service's own
 */
const WAIT_MS = 1000;
const MIN_POLLS = 10;
const POLL_MS = 25;

export interface RetryRecord {
  pid: number;
  /** "GET http://127.0.0.1:4100/orders" */
  request: string;
  /** "ECONNRESET socket hang up" */
  error: string;
}

export interface ResetRetry {
  /** every sample's pids, as the engine records it */
  observe(pids: number[]): void;
  /**
   * As a request goes out: when no sample was taken lately (the sampler's clock stops while suspects
   * are named, and steps go on), one read of the tree's pids, so that the request has a tree before it
   */
  beforeRequest(): void;
  /** the http client's retryOnReset: why it may retry, or null */
  decide(failure: ResetFailure): Promise<string | null>;
}

export function createResetRetry(opts: { rootPids: () => number[]; onRetry: (r: RetryRecord) => void; procRoot?: string }): ResetRetry {
  const seen: { at: number; pids: number[] }[] = [];
  // a worker's exit explains one reset: two workers dying a moment apart are two exits
  const blamed = new Set<number>();
  // After an exit is blamed, the tree is changing: the replacement worker may not be forked yet when
  // the retry goes out, and then answers the next requests in less than STALE_MS (the sampler's
  // clock stops while suspects are named) and dies at its own recycle. A sample, however fresh,
  // that does not hold it cannot explain that reset: until a read shows a worker the tree did not
  // have at the blame, each request reads the tree as it goes out. These are the pids it had then.
  let changing: Set<number> | null = null;
  const observe = (pids: number[]) => {
    seen.push({ at: performance.now(), pids });
    if (seen.length > KEEP) seen.shift();
  };
  return {
    observe,
    beforeRequest() {
      const last = seen.at(-1);
      if (!changing && last && performance.now() - last.at < STALE_MS) return;
      const roots = opts.rootPids();
      if (roots.length === 0) return;
      const pids = listTreeSync(roots, opts.procRoot).map((p) => p.pid);
      observe(pids);
      const had = changing;
      if (had && pids.some((p) => !had.has(p) && !roots.includes(p))) changing = null;
    },
    async decide(failure) {
      const roots = new Set(opts.rootPids());
      // the tree as of the request: the last sample taken before it went out (else the oldest kept)
      const before = [...seen].reverse().find((s) => s.at <= failure.sentAt) ?? seen[0];
      if (!before || roots.size === 0) return null;
      const workers = before.pids.filter((p) => !roots.has(p));
      for (let polls = 1, end = performance.now() + WAIT_MS; ; polls++) {
        const now = new Map((await listTree([...roots], opts.procRoot)).map((p) => [p.pid, p.state]));
        const gone = workers.find((p) => !blamed.has(p) && (!now.has(p) || now.get(p) === 'Z' || now.get(p) === 'X'));
        if (gone !== undefined) {
          blamed.add(gone);
          changing = new Set(before.pids);
          opts.onRetry({ pid: gone, request: `${failure.method} ${failure.url}`, error: failure.error });
          return `worker pid ${gone} of the tree exited at that moment`;
        }
        if (performance.now() >= end && polls >= MIN_POLLS) return null;
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    },
  };
}
