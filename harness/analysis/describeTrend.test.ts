import { describe, expect, it } from 'vitest';
import type { TrendResult } from '../report/runReportSchema.ts';
import { describeTrend } from './describeTrend.ts';

const base: TrendResult = {
  verdict: 'leak', reason: 'no plateau, Mann–Kendall p<0.001', slope: 48_100, low: 45_020, high: 51_240, confidence: 0.95,
  intercept: 80e6, interceptX: 5, endX: 54,
  unit: 'B', per: 'iteration', plateauAt: null, samplesUsed: { series: 'boundaries', from: 5, to: 54, count: 50 },
};

describe('describeTrend', () => {
  it('says a leak in words, interval in the slope’s unit', () => {
    expect(describeTrend('RSS', base)).toBe('RSS grows 48.1 KB per iteration (95% CI 45.0–51.2), no plateau: leak');
  });
  it('says where a bounded series plateaued, in full-series sample numbers', () => {
    expect(describeTrend('RSS', { ...base, verdict: 'bounded', plateauAt: 12, slope: 1200, low: -800, high: 3100 })).toBe(
      'RSS rose then plateaued from sample 17 (after it, grew 1.2 KB per iteration (95% CI -0.80–3.1)): bounded',
    );
    // an interval of 0–0 is flat, not a rise
    expect(describeTrend('RSS', { ...base, verdict: 'bounded', plateauAt: 12, slope: 0, low: 0, high: 0 })).toBe(
      'RSS rose then plateaued from sample 17 (after it, stayed flat (0 B per iteration)): bounded',
    );
  });
  it('says why it is inconclusive and how much longer to run', () => {
    const r: TrendResult = { ...base, verdict: 'inconclusive', reason: 'too noisy: no significant rise', slope: 12e3, low: -8e3, high: 31e3, moreIterationsNeeded: 40 };
    expect(describeTrend('RSS', r)).toBe('RSS grows 12.0 KB per iteration (95% CI -8.0–31.0): inconclusive (too noisy), about 40 more iterations would decide');
    expect(describeTrend('RSS', { ...r, moreIterationsNeeded: 1 })).toMatch(/, about 1 more iteration would decide$/);
    expect(describeTrend('RSS', { ...r, per: 'hour', moreIterationsNeeded: undefined, measureForMs: 555_000 })).toMatch(/: inconclusive \(too noisy\), measuring at least 10 min would decide$/);
  });
  it('says a fall is a fall, never a negative rise', () => {
    const r: TrendResult = { ...base, verdict: 'bounded', reason: 'no significant rise', unit: 'blocks', slope: -0.47, low: -0.9, high: 0.1 };
    expect(describeTrend('allocated blocks', r)).toBe('allocated blocks falls 0.47 blocks per iteration (95% CI -0.10–0.90), no lasting growth: bounded');
  });
  it('says growth under the floor is that, not a change', () => {
    const r: TrendResult = { ...base, verdict: 'bounded', reason: 'rising (Mann–Kendall p<0.001) but below the 4096 B/iteration floor worth calling a leak', slope: 2000, low: 1700, high: 2300 };
    expect(describeTrend('runtime heap', r)).toBe('runtime heap grows 2.0 KB per iteration (95% CI 1.7–2.3), less than is worth calling a leak: bounded');
  });
  it('counts in their own unit', () => {
    expect(describeTrend('Sockets', { ...base, slope: 1, low: 1, high: 1, unit: 'sockets' })).toBe(
      'Sockets grows 1.0 sockets per iteration (95% CI 1.0–1.0), no plateau: leak',
    );
  });
});
