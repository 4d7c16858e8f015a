// Rates per measured step from the agents' counts at four reads: never a kept list divided by steps.
import { describe, expect, it } from 'vitest';
import type { AgentWarningGroup } from '../series/sampleStream.ts';
import { describeWarningGroup, warningRate } from './warningCosts.ts';
import { countedWarnings } from '../observations/warningReads.ts';

const g = (count: number, over: Partial<AgentWarningGroup> = {}): AgentWarningGroup => ({
  category: 'ResourceWarning', what: 'unclosed scandir iterator <posix.ScandirIterator>', message: 'unclosed scandir iterator <posix.ScandirIterator object at 0x1>',
  raisedAt: '/venv/lib/python3.11/site-packages/dav/fs.py:88', origin: 'dependency', originFrame: '/venv/lib/python3.11/site-packages/dav/fs.py:88', site: 'app.py:3', allocated: [], count, ...over,
});

describe('countedWarnings', () => {
  it('rates each group per measured step from the baseline to the end of the measured phase', () => {
    const [w] = countedWarnings({ first: [g(34)], baseline: [g(170)], measuredEnd: [g(5270)], last: [g(5304)] }, 150);
    expect(w).toMatchObject({ atFirstRead: 34, atBaseline: 170, atMeasuredEnd: 5270, total: 5304, perStep: 34 });
    expect(warningRate(w!)).toBe('34 per measured step');
    expect(describeWarningGroup(w!)).toBe('unclosed scandir iterator <posix.ScandirIterator> at /venv/lib/python3.11/site-packages/dav/fs.py:88, 34 per measured step');
  });

  it('counts a group first seen after the baseline from zero, and one never raised while measured as none', () => {
    const late = g(12, { what: 'unclosed file <_io.TextIOWrapper>' });
    const ws = countedWarnings({ first: [g(1)], baseline: [g(5)], measuredEnd: [g(5), late], last: [g(5), late] }, 4);
    expect(ws.find((w) => w.what.startsWith('unclosed file'))).toMatchObject({ atBaseline: 0, perStep: 3 });
    const idle = ws.find((w) => w.what.startsWith('unclosed scandir'))!;
    expect(idle.perStep).toBe(0);
    expect(warningRate(idle)).toBe('none in the measured steps (5 in all)');
  });

  it('with no read before the settle, the last read stands for the end of the measured phase', () => {
    const [w] = countedWarnings({ first: [g(2)], baseline: [g(2)], measuredEnd: null, last: [g(12)] }, 10);
    expect(w!.perStep).toBe(1);
  });

  it('says the total, not a rate, with no measured step', () => {
    const [w] = countedWarnings({ first: [g(3)], baseline: null, measuredEnd: null, last: [g(3)] }, 0);
    expect(w!.perStep).toBeNull();
    expect(warningRate(w!)).toBe('3 in all');
  });
});
