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
    expect(describeTrend('RSS', { ...base, verdict: 'bounded', plateauAt: 12 })).toBe(
      'RSS rose 48.1 KB per iteration (95% CI 45.0–51.2) then plateaued from sample 17: bounded',
    );
  });
  it('says why it is inconclusive and how much longer to run', () => {
    const r: TrendResult = { ...base, verdict: 'inconclusive', reason: 'too noisy: no significant rise', slope: 12e3, low: -8e3, high: 31e3, moreIterationsNeeded: 40 };
    expect(describeTrend('RSS', r)).toBe('RSS changes 12.0 KB per iteration (95% CI -8.0–31.0): inconclusive (too noisy), about 40 more iterations would decide');
  });
  it('counts in their own unit', () => {
    expect(describeTrend('Sockets', { ...base, slope: 1, low: 1, high: 1, unit: 'sockets' })).toBe(
      'Sockets grows 1.0 sockets per iteration (95% CI 1.0–1.0), no plateau: leak',
    );
  });
});
