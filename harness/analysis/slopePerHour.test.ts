import { describe, expect, it } from 'vitest';
import { slopePerHour } from './slopePerHour.ts';

describe('slopePerHour', () => {
  it('measures a rate budget with the trend estimator, x in hours', () => {
    // 2 MB per 10 minutes = 12 MB/h, one sample a minute for an hour, with a ±100 KB wobble
    const t = Array.from({ length: 60 }, (_, i) => i * 60_000);
    const y = t.map((ms, i) => 50e6 + (ms / 600_000) * 2e6 + (i % 2 ? 1e5 : -1e5));
    const r = slopePerHour({ t, y });
    expect(r.per).toBe('hour');
    expect(r.slope / 12e6).toBeCloseTo(1, 2);
    expect(r.verdict).toBe('leak');
    expect(r.samplesUsed.series).toBe('timed');
  });
});
