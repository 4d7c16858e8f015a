// A soak's checkpoints, due an interval apart on the wall clock, as a load tester keeps its arrival
// rate: the next is due an interval after the last was due, not after it ended. Counted from its
// end, every interval also took the boundary's own time and the wait for the step it follows: a
// gunicorn gthread soak planned at 2 s read its measured boundaries 3.1-4.6 s apart at a load of 20,
// and judged its heap on 9 points at a load of ~30 (fixtures/e2e/loadAccounting.test.ts).

export interface CheckpointClock {
  /** when the next checkpoint is due */
  due(): number;
  /** a checkpoint was read, ending at `now`; the next is due `intervalMs` after this one was */
  next(now: number, intervalMs: number): void;
  /** the next is due at `at` (the measured phase's clock starts at its baseline) */
  restart(at: number): void;
}

/** A boundary that ran past the next one's due time restarts the clock from its end rather than firing again at once. */
export function checkpointClock(firstDue: number): CheckpointClock {
  let due = firstDue;
  return {
    due: () => due,
    next(now, intervalMs) {
      due += intervalMs;
      if (due <= now) due = now + intervalMs;
    },
    restart(at) {
      due = at;
    },
  };
}
