// "Back to baseline" for counted resources (fds, sockets, threads, children): after the settle
// period the count must return to what it was before the first measured iteration. The runner
// polls with bounded backoff, as goleak does, because a socket in its last close or a child
// being reaped is not a leak; it hands every read here and the last one decides.

export interface BaselineJudgement {
  pass: boolean;
  /** the read that decided: the last one */
  observed: number;
  /** how far the decisive read lies above baseline + plus; 0 when it passes */
  excess: number;
}

export function judgeBaseline(baseline: number, reads: number[], plus = 0): BaselineJudgement {
  const observed = reads.at(-1);
  if (observed === undefined) throw new RangeError('judgeBaseline needs at least one read after settle');
  if (!Number.isFinite(baseline) || !Number.isFinite(observed)) {
    throw new RangeError(`judgeBaseline: baseline ${baseline} and read ${observed} must be finite numbers`);
  }
  const excess = Math.max(0, observed - (baseline + plus));
  return { pass: excess === 0, observed, excess };
}
