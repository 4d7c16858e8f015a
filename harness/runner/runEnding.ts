// How a run ends, decided in one place: the first error wins (a stream that cannot be written, a
// target that died for good, a step or hook that threw), a signal that stopped it is an
// interruption, and abortOnFail's certain failure is an early stop. Every part that can end the run
// tells this; the tail of the stream says what it decided.
import type { StreamTail } from '../observations/streamHead.ts';

export interface RunEnding {
  /** the run's error, unless it has one already; `stop` also aborts the run (whatever it is waiting on) */
  fail(message: string, opts?: { stop?: boolean }): void;
  /** abortOnFail: a check is already certain to fail; the run stops */
  stopEarly(reason: string): void;
  error(): string | undefined;
  stoppedEarly(): string | undefined;
  /** after the steps: the run was aborted by the caller's signal, not by an error or an early stop */
  markInterrupted(): void;
  interrupted(): boolean;
  /** the tail's account of the end, once the target is stopped */
  close(opts: { oomReason: string | undefined; measuredSteps: number }): Pick<StreamTail, 'error' | 'interrupted' | 'stoppedEarly'>;
}

export function createRunEnding(abort: AbortController): RunEnding {
  let error: string | undefined;
  let stoppedEarly: string | undefined;
  let interrupted = false;
  return {
    fail(message, opts = {}) {
      error ??= message;
      if (opts.stop) abort.abort();
    },
    stopEarly(reason) {
      stoppedEarly = reason;
      abort.abort();
    },
    error: () => error,
    stoppedEarly: () => stoppedEarly,
    markInterrupted() {
      interrupted = abort.signal.aborted && !stoppedEarly && error === undefined;
    },
    interrupted: () => interrupted,
    close({ oomReason, measuredSteps }) {
      // an OOM kill under memoryLimit that ended the run is a failed budget.memoryLimit, not 'could not
      // run': whatever the dead target made the step throw is its consequence
      if (oomReason && error !== undefined && !interrupted) {
        stoppedEarly ??= oomReason;
        error = undefined;
      }
      if (interrupted && measuredSteps < 3) error ??= `interrupted after ${measuredSteps} measured step(s): too few to judge`;
      const out: Pick<StreamTail, 'error' | 'interrupted' | 'stoppedEarly'> = {};
      if (error !== undefined) out.error = error;
      if (interrupted) out.interrupted = true;
      if (stoppedEarly) out.stoppedEarly = stoppedEarly;
      return out;
    },
  };
}
