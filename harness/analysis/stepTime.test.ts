import { describe, expect, it } from 'vitest';
import { analyzeTrend } from './trend.ts';
import { judgeStepTimes, STEP_SLOWING_FLOOR_MS } from './stepTime.ts';

// fixtures/disk/history_service.py, leaky: 234 → 687 ms over 40 steps, with a little jitter
const growing = (i: number) => (234 + 11.3 * i) * (1 + 0.1 * Math.sin(i * 2.7));
// ...and a CPU hog beside it from step 5 to step 14 that makes every step 2.2 times as long
const bump = Array.from({ length: 40 }, (_, i) => growing(i) * (i >= 5 && i < 15 ? 2.2 : 1));

describe('judgeStepTimes', () => {
  it('does not call a slowing step bounded because a load came and went (a rise then a flat stretch)', () => {
    // the plateau rule reads the bump as a cache that filled: the false all-clear CI saw
    const withPlateau = analyzeTrend({ y: bump, kind: 'memory', per: 'iteration', unit: 'ms', series: 'boundaries' }, { minSlope: STEP_SLOWING_FLOOR_MS });
    expect(withPlateau.verdict).toBe('bounded');
    expect(judgeStepTimes(bump).verdict).not.toBe('bounded');
  });

  it('calls a steadily slowing step a leak, and a steady one not', () => {
    expect(judgeStepTimes(Array.from({ length: 40 }, (_, i) => growing(i))).verdict).toBe('leak');
    expect(judgeStepTimes(Array.from({ length: 40 }, (_, i) => 250 * (1 + 0.1 * Math.sin(i * 2.7)))).verdict).not.toBe('leak');
  });
});
