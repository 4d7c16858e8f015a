import { describe, expect, it } from 'vitest';
import { forcedGcClock, fullGcReuseMs } from './boundaryReads.ts';

describe("a soak checkpoint's reuse of the target's own full GC", () => {
  it('forces at least 20 fresh heaps in the measured phase and one a minute; a short soak, a slow cadence and a counted run force at every read', () => {
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 14_000 } })).toBeUndefined(); // 0.7 s: no checkpoint to spare
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 90_000 } })).toBe(4500);
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 600_000 } })).toBe(30_000);
    expect(fullGcReuseMs({ checkpointMs: 12_000, measure: { ms: 3_600_000 } })).toBe(60_000);
    expect(fullGcReuseMs({ checkpointMs: 5 * 60_000, measure: { ms: 7 * 86_400_000 } })).toBeUndefined();
    expect(fullGcReuseMs({ checkpointMs: 0, measure: { steps: 50 } })).toBeUndefined();
  });
  it('forces a GC at least every reuseWithinMs counted on the forced ones, whatever the target did', () => {
    // a checkpoint every 2 s, reuse within 7 s: forced at 0, 6, 12 (the next after 4 would come 8 s after 0)
    const clock = forcedGcClock();
    const asked = [0, 2000, 4000, 6000, 8000, 10_000, 12_000].map((at) => {
      const reuse = clock.reuseAt(at, 7000);
      if (reuse === undefined) clock.forced(at);
      return reuse === undefined ? 'F' : 'r';
    });
    expect(asked.join('')).toBe('FrrFrrF');
    // checkpoints as far apart as the window: every one forces (a 60 s soak's, 3 s apart against 3 s)
    const short = forcedGcClock();
    expect([0, 3000, 6000].map((at) => (short.reuseAt(at, 3000) === undefined ? (short.forced(at), 'F') : 'r')).join('')).toBe('FFF');
    expect(forcedGcClock().reuseAt(0, undefined)).toBeUndefined();
  });
});
