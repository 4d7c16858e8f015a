// What every scenario run opens and must close whatever happens: its clock, its run cookie
// (registered with the emergency reaper until closed) and an abort signal that follows the run's.
import { newCookie } from '../probes/runCookie.ts';
import { emergencyReaper } from './emergencyReaper.ts';

export interface RunScope {
  /** ms since the scenario started */
  now(): number;
  /** SEEP_RUN_COOKIE for every process of this scenario; seep's pid in it lets a watcher (and our
   * own tests) tell this run's processes from other runs' */
  cookie: string;
  abort: AbortController;
  close(): void;
}

export function openRunScope(outer?: AbortSignal): RunScope {
  const t0 = performance.now();
  const cookie = `${newCookie()}.${process.pid}`;
  const unregister = emergencyReaper.register(cookie);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  if (outer?.aborted) abort.abort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });
  return {
    now: () => Math.round(performance.now() - t0),
    cookie,
    abort,
    close: () => {
      unregister();
      outer?.removeEventListener('abort', onOuterAbort);
    },
  };
}
