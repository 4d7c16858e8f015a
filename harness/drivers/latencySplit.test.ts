import { describe, expect, it } from 'vitest';
import { createLatencySplit } from './latencySplit.ts';

describe('latency split', () => {
  it('keeps the answers clear of checkpoints apart, per interval and since the mark', () => {
    const split = createLatencySplit();
    split.record(500, true); // during the warmup: not in the measured total
    split.mark();
    for (let i = 0; i < 98; i++) split.record(2, false);
    split.record(300, true);
    split.record(320, true);
    const interval = split.interval();
    expect(interval.all.requests).toBe(101); // the warmup answer was in this interval
    expect(interval.clean).toMatchObject({ requests: 98, p50: 2, p99: 2, max: 2 });
    const total = split.total();
    expect(total.all.requests).toBe(100);
    expect(total.all.p99).toBeCloseTo(300, -1);
    expect(total.all.max).toBeCloseTo(320, -1);
    expect(total.clean.p99).toBe(2);
    // the next interval starts empty; the total goes on
    expect(split.interval().all).toEqual({ requests: 0, p50: null, p90: null, p99: null, max: null });
    split.record(4, false);
    expect(split.total().clean.requests).toBe(99);
  });
});
