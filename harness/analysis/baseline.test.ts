import { describe, expect, it } from 'vitest';
import { judgeBaseline } from './baseline.ts';

describe('judgeBaseline', () => {
  it('lets the last retried read decide', () => {
    expect(judgeBaseline(4, [7, 5, 4])).toEqual({ pass: true, observed: 4, excess: 0 });
    expect(judgeBaseline(4, [4, 6])).toEqual({ pass: false, observed: 6, excess: 2 });
  });
  it('allows baseline+N', () => {
    expect(judgeBaseline(4, [6], 2).pass).toBe(true);
    expect(judgeBaseline(4, [7], 2)).toEqual({ pass: false, observed: 7, excess: 1 });
  });
  it('passes below baseline and refuses an empty or non-numeric read', () => {
    expect(judgeBaseline(4, [3]).pass).toBe(true);
    expect(() => judgeBaseline(4, [])).toThrow(RangeError);
    expect(() => judgeBaseline(Number.NaN, [1])).toThrow(RangeError);
  });
});
