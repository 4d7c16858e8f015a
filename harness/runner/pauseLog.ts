// When seep paused or slowed its target: each checkpoint, from its forced GC to the end of its reads
// (their times: boundaryReads.ts).
// The load's answers are told apart by it (drivers/latencySplit.ts): a request that was in flight
// during any part of a checkpoint is disturbed. Bounded: the windows a request still in flight could
// overlap (a request outlives no more than the load's timeout), the newest last.

export interface PauseLog {
  /** a checkpoint's window opens at `from` (performance.now() ms), until its close() */
  open(from: number): { close(to: number): void };
  /** whether a request that ran from start to end (performance.now() ms) overlapped a checkpoint */
  overlaps(start: number, end: number): boolean;
}

/** windows kept: at one checkpoint every 2 s (a soak's shortest), 10 minutes of them */
const KEEP = 300;

export function createPauseLog(): PauseLog {
  const windows: { from: number; to: number }[] = [];
  return {
    open(from) {
      const w = { from, to: Infinity }; // open until it closes
      windows.push(w);
      if (windows.length > KEEP) windows.shift();
      return {
        close(to) {
          w.to = to;
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
