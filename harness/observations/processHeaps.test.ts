import { describe, expect, it } from 'vitest';
import { createProcessHeaps } from './processHeaps.ts';

const read = (pid: number, used: number, role: 'root' | 'worker' = 'worker') => ({ pid, role, h: { used } });

describe('the heap per process', () => {
  it('keeps each process at the baseline (the last warmup boundary) and at its last read, the root first', () => {
    const heaps = createProcessHeaps();
    heaps.observe('warmup', [read(10, 1, 'root'), read(12, 5)]);
    heaps.observe('warmup', [read(10, 2, 'root'), read(11, 6), read(12, 7)]);
    heaps.observe('measured', [read(10, 2, 'root'), read(11, 9), read(12, 11)]);
    expect(heaps.list()).toEqual([
      { pid: 10, role: 'root', baseline: { used: 2 }, end: { used: 2 }, atEnd: true },
      { pid: 11, role: 'worker', baseline: { used: 6 }, end: { used: 9 }, atEnd: true },
      { pid: 12, role: 'worker', baseline: { used: 7 }, end: { used: 11 }, atEnd: true },
    ]);
    expect(heaps.changes()).toEqual({ started: 0, gone: 0 });
  });

  it('a recycled worker keeps its row, not at the end; its replacement has no baseline; both are counted', () => {
    const heaps = createProcessHeaps();
    heaps.observe('warmup', [read(10, 1, 'root'), read(11, 5)]);
    heaps.observe('measured', [read(10, 1, 'root'), read(11, 8)]);
    heaps.observe('measured', [read(10, 1, 'root'), read(13, 4)]);
    expect(heaps.list()).toEqual([
      { pid: 10, role: 'root', baseline: { used: 1 }, end: { used: 1 }, atEnd: true },
      { pid: 11, role: 'worker', baseline: { used: 5 }, end: { used: 8 }, atEnd: false },
      { pid: 13, role: 'worker', baseline: null, end: { used: 4 }, atEnd: true },
    ]);
    expect(heaps.changes()).toEqual({ started: 1, gone: 1 });
  });

  it('stays bounded over a week of recycling', () => {
    const heaps = createProcessHeaps({ maxGone: 5 });
    heaps.observe('warmup', [read(1, 1, 'root')]);
    for (let pid = 100; pid < 1100; pid++) heaps.observe('measured', [read(1, 1, 'root'), read(pid, 1)]);
    expect(heaps.list()).toHaveLength(1 + 1 + 5);
    expect(heaps.changes()).toEqual({ started: 1000, gone: 0 });
  });
});
