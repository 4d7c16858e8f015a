// When seep paused or slowed its target: each checkpoint, from its forced GC to the end of its reads.
// The load's answers are told apart by it (drivers/latencySplit.ts): a request that was in flight
// during any part of a checkpoint is disturbed. Bounded: the windows a request still in flight could
// overlap (a request outlives no more than the load's timeout), the newest last.
import { performance } from 'node:perf_hooks';
import type { StreamEvent } from '../series/sampleStream.ts';

export interface PauseLog {
  /**
   * marks a checkpoint's start (t: ms since the run started); its end() takes the forced GC's ms and
   * gives the stream's event for it
   */
  begin(t: number): { end(gcMs: number): Extract<StreamEvent, { k: 'pause' }> };
  /** whether a request that ran from start to end (performance.now() ms) overlapped a checkpoint */
  overlaps(start: number, end: number): boolean;
}

/** windows kept: at one checkpoint every 2 s (a soak's shortest), 10 minutes of them */
const KEEP = 300;

export function createPauseLog(now: () => number = () => performance.now()): PauseLog {
  const windows: { from: number; to: number }[] = [];
  return {
    begin(t) {
      const w = { from: now(), to: Infinity }; // open until it ends
      windows.push(w);
      if (windows.length > KEEP) windows.shift();
      return {
        end(gcMs) {
          w.to = now();
          return { k: 'pause', t, ms: round(w.to - w.from), gc: round(gcMs) };
        },
      };
    },
    overlaps(start, end) {
      for (let i = windows.length - 1; i >= 0; i--) {
        const w = windows[i]!;
        if (w.from <= end && w.to >= start) return true;
        if (w.to < start) return false; // older windows ended earlier still
      }
      return false;
    },
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
