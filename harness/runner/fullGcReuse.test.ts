import { describe, expect, it } from 'vitest';
import { fullGcReuseMs } from './fullGcReuse.ts';

describe("a soak checkpoint's reuse of the target's own full GC", () => {
  it('forces at least 20 fresh heaps in the measured phase and one a minute; a short soak, a slow cadence and a counted run force at every read', () => {
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 14_000 } })).toBeUndefined(); // 0.7 s: no checkpoint to spare
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 90_000 } })).toBe(4500);
    expect(fullGcReuseMs({ checkpointMs: 2000, measure: { ms: 600_000 } })).toBe(30_000);
    expect(fullGcReuseMs({ checkpointMs: 12_000, measure: { ms: 3_600_000 } })).toBe(60_000);
    expect(fullGcReuseMs({ checkpointMs: 5 * 60_000, measure: { ms: 7 * 86_400_000 } })).toBeUndefined();
    expect(fullGcReuseMs({ checkpointMs: 0, measure: { steps: 50 } })).toBeUndefined();
  });
});
