// One clock for a boundary read: its parts (the GC, the /proc read, the agents' reads) timed once,
// for the observer's tally (observerCost.ts) and, in a soak, for the checkpoint's window in the pause
// log and its 'pause' event in the stream.
import { performance } from 'node:perf_hooks';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { BoundaryCost } from './observerCost.ts';
import type { PauseLog } from './pauseLog.ts';

export interface CheckpointClock {
  /** the GC is over: forced, or the target's own last full GC reused (no pause of seep's) */
  gcDone(forced: boolean): void;
  /** the /proc read is over */
  readDone(): void;
  /** the agents' reads are over: what the boundary cost */
  cost(): BoundaryCost;
  /** the checkpoint is over (read or not): its window closes, and its 'pause' event when there is a pause log */
  end(): Extract<StreamEvent, { k: 'pause' }> | null;
}

/** t: the checkpoint's start in the run's ms, for its 'pause' event */
export function startCheckpointClock(t: number, pauses?: PauseLog, clock: () => number = () => performance.now()): CheckpointClock {
  const t0 = clock();
  const window = pauses?.open(t0);
  let t1: number | null = null;
  let t2: number | null = null;
  let forced = true;
  return {
    gcDone(f) {
      t1 = clock();
      forced = f;
    },
    readDone() {
      t2 = clock();
    },
    cost() {
      const t3 = clock();
      const gcEnd = t1 ?? t0;
      const readEnd = t2 ?? gcEnd;
      return { gcMs: gcEnd - t0, readMs: readEnd - gcEnd, agentMs: t3 - readEnd, forced };
    },
    end() {
      const to = clock();
      window?.close(to);
      if (!pauses) return null;
      const e: Extract<StreamEvent, { k: 'pause' }> = { k: 'pause', t, ms: round(to - t0), gc: round((t1 ?? to) - t0) };
      if (!forced) e.reused = true;
      return e;
    },
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
