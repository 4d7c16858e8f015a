import { describe, expect, it } from 'vitest';
import { createCpuMeter } from './cpuMeter.ts';
import type { ProcStat } from './procfs.ts';

const proc = (pid: number, cpuTicks: number, starttime = 5): ProcStat => ({
  pid, ppid: 1, pgrp: pid, comm: 'x', state: 'S', cpuTicks, reapedTicks: 0, starttime, numThreads: 1, rssPages: 1,
});

describe('createCpuMeter (fake clock)', () => {
  it('gives percent of one core summed over the tree, null on the first read', () => {
    let now = 0;
    const meter = createCpuMeter({ procRoot: '/nonexistent', clock: () => now, ticksPerSecond: 100 });
    expect(meter.measure([proc(1, 0), proc(2, 0)])).toBeNull();
    now = 1000;
    // 50 + 100 ticks in one second at 100 Hz: half a core plus a full core
    expect(meter.measure([proc(1, 50), proc(2, 100)])).toBeCloseTo(150);
  });

  it('measures a read that follows closely against an older one, not over a 1 ms window', () => {
    let now = 0;
    const meter = createCpuMeter({ procRoot: '/nonexistent', clock: () => now, ticksPerSecond: 100 });
    meter.measure([proc(1, 0)]);
    now = 250;
    expect(meter.measure([proc(1, 25)])).toBeCloseTo(100);
    now = 251;
    // one more tick: over 1 ms that would read 1000 %; against the read at t=0 it is 26 ticks / 251 ms
    expect(meter.measure([proc(1, 26)])).toBeCloseTo((26 / 100 / 0.251) * 100);
  });

  it('does not charge a reused pid with the old process\'s ticks', () => {
    let now = 0;
    const meter = createCpuMeter({ procRoot: '/nonexistent', clock: () => now, ticksPerSecond: 100 });
    meter.measure([proc(1, 500, 5)]);
    now = 1000;
    // same pid, new start time: without boot time (fake tree) its ticks are not attributable
    expect(meter.measure([proc(1, 10, 9)])).toBe(0);
  });
});
