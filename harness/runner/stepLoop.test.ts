// Which warmup steps a boundary follows: a counted run's warmup of N steps reads only after its last
// few, the ones the cadence times before it chooses (the baseline after the last among them).
import { describe, expect, it } from 'vitest';
import { TIMED_BEFORE_CHOOSING } from './observeCadence.ts';
import { warmupReadsFromStep } from './stepLoop.ts';

describe('warmupReadsFromStep', () => {
  it('reads a counted warmup only after its last steps, as many boundaries as the cadence times before choosing', () => {
    const from = warmupReadsFromStep({ warmup: { steps: 25 }, measure: { steps: 30 } });
    // reads after warmup steps from..24, and the baseline after step 25
    expect(25 - from + 1).toBe(TIMED_BEFORE_CHOOSING);
    expect(from).toBe(23);
  });

  it('reads every step of a warmup no longer than those few', () => {
    expect(warmupReadsFromStep({ warmup: { steps: 2 }, measure: { steps: 30 } })).toBe(0);
    expect(warmupReadsFromStep({ warmup: { steps: 0 }, measure: { steps: 30 } })).toBe(0);
  });

  it('leaves a warmup of a time, and a soak, on their clocks', () => {
    expect(warmupReadsFromStep({ warmup: { ms: 5000 }, measure: { steps: 30 } })).toBe(0);
    expect(warmupReadsFromStep({ warmup: { steps: 25 }, measure: { ms: 60_000 } })).toBe(0);
  });
});
