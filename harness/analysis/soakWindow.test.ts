// A soak's verdict knows its window: a rate per hour over less than three cycles of the target's own
// memory, or over a heap still filling, is one climb, inconclusive with the duration that would decide.
import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../fixtures/eval/seededRandom.ts';
import type { TrendResult } from '../report/runReportSchema.ts';
import { analyzeTrend } from './trend.ts';
import { deceleration, findCycle, weighSoakWindow } from './soakWindow.ts';
import { formatNeeded } from '../scenario/elapsed.ts';

const MB = 1e6;
const HOUR = 3_600_000;
const noise = gaussian(seededRandom(28));

/** 1 Hz samples from `from` s for `seconds` s */
function series(from: number, seconds: number, f: (s: number) => number): { t: number[]; y: number[] } {
  const t: number[] = [];
  const y: number[] = [];
  for (let s = from; s < from + seconds; s++) {
    t.push(s * 1000);
    y.push(f(s));
  }
  return { t, y };
}

/** RSS climbing 34 MB over 102 s, falling back, every 120 s (the fixture's indexer) */
const sawtooth = (s: number) => 76 * MB + Math.min(s % 120, 102) / 102 * 34 * MB * (s % 120 < 102 ? 1 : 0) + noise() * 0.3 * MB;
const hourly = (p: { t: number[]; y: number[] }): TrendResult => analyzeTrend({ x: p.t.map((t) => t / HOUR), y: p.y, kind: 'memory', per: 'hour', unit: 'B', series: 'timed' });

describe('findCycle', () => {
  it('finds no cycle inside one climb', () => {
    expect(findCycle(...Object.values(series(3, 57, sawtooth)) as [number[], number[]], MB)).toBeNull();
  });

  it('reads the period of a sawtooth seen several times', () => {
    const c = findCycle(...Object.values(series(24, 456, sawtooth)) as [number[], number[]], MB)!;
    expect(c.atLeast).toBe(false);
    expect(c.falls).toBeGreaterThanOrEqual(3);
    expect(c.periodMs).toBeGreaterThan(110_000);
    expect(c.periodMs).toBeLessThan(130_000);
    expect(c.amplitude).toBeGreaterThan(30 * MB);
  });

  it('with one fall seen, gives the longer of the climbs around it as a lower bound', () => {
    const c = findCycle(...Object.values(series(60, 100, sawtooth)) as [number[], number[]], MB)!;
    expect(c).toMatchObject({ atLeast: true, falls: 1 });
    expect(c.periodMs).toBeGreaterThanOrEqual(41_000);
  });

  it('finds no cycle in a steady leak with GC noise', () => {
    expect(findCycle(...Object.values(series(0, 300, (s) => 50 * MB + s * 0.2 * MB + noise() * 2 * MB)) as [number[], number[]], MB)).toBeNull();
  });
});

describe('deceleration', () => {
  const filling = (s: number) => 6.5 * MB + 0.9 * MB * (1 - Math.exp(-s / 25)) + noise() * 0.02 * MB;
  it('sees a cache of bounded keys filling ever more slowly, and asks for a window past it', () => {
    const { t, y } = series(3, 57, filling);
    const d = deceleration(t.filter((_, i) => i % 3 === 0), y.filter((_, i) => i % 3 === 0), 4096 * 3600)!;
    expect(d).not.toBeNull();
    expect(d.secondPerHour).toBeLessThan(0.6 * d.firstPerHour);
    expect(d.measureForMs).toBeGreaterThanOrEqual(2 * 54_000);
    expect(d.measureForMs).toBeLessThan(30 * 60_000);
  });

  it('asks for at least twice the measured phase the soak planned, however late its first checkpoint came', () => {
    // a 60 s soak with a 3 s warmup: measured from 3 s on a quiet machine, from 6 s on a busy one
    const thin = (from: number) => {
      const { t, y } = series(from, 60 - from, filling);
      return [t.filter((_, i) => i % 3 === 0), y.filter((_, i) => i % 3 === 0)] as const;
    };
    const late = deceleration(...thin(6), 4096 * 3600)!;
    expect(late.measureForMs).toBe(2 * 51_000); // twice the window measured, 51 s
    for (const from of [3, 6]) expect(deceleration(...thin(from), 4096 * 3600, 57_000)!.measureForMs).toBeGreaterThanOrEqual(2 * 57_000);
  });

  it('does not call a steady leak decelerating', () => {
    const { t, y } = series(3, 57, (s) => 6.5 * MB + s * 20_000 + noise() * 0.1 * MB);
    expect(deceleration(t, y, 4096 * 3600)).toBeNull();
  });
});

describe('weighSoakWindow', () => {
  const climb = series(3, 57, sawtooth);
  const heapTrend = (verdict: TrendResult['verdict']) => ({ ...hourly(climb), verdict });

  it('keeps a leak when the heap after GC leaks steadily', () => {
    const rss = hourly(climb);
    expect(rss.verdict).toBe('leak');
    expect(weighSoakWindow(rss, { timed: climb, heap: { trend: heapTrend('leak'), decelerating: null }, creepPerHour: 0, warmupMs: 3000 }).verdict).toBe('leak');
  });

  it('calls one climb inside a heap still filling inconclusive, with the duration that would decide', () => {
    const decelerating = { firstPerHour: 80 * MB, secondPerHour: 20 * MB, measureForMs: 4.2 * 60_000, stopped: false };
    const w = weighSoakWindow(hourly(climb), { timed: climb, heap: { trend: heapTrend('leak'), decelerating }, creepPerHour: 0, warmupMs: 3000 });
    expect(w.verdict).toBe('inconclusive');
    expect(w.measureForMs).toBe(252_000);
    expect(w.reason).toMatch(/^the runtime heap after GC grows ever more slowly \(80\.0 MB per hour over the first half of the window, 20\.0 MB over the second\), .*: measure at least 5 min \(a soak of 5 min\)/);
  });

  it('calls a window shorter than three cycles inconclusive, asking for three', () => {
    const oneFall = series(60, 100, sawtooth);
    const rss = { ...hourly(oneFall), verdict: 'leak' as const };
    const w = weighSoakWindow(rss, { timed: oneFall, heap: null, creepPerHour: 0, warmupMs: 5000 });
    expect(w.verdict).toBe('inconclusive');
    expect(w.reason).toMatch(/^the target's memory cycles every at least ~\d+ s \(RSS fell \d+\.\d MB once in the 1m39s measured\)/);
    expect(w.measureForMs).toBeGreaterThanOrEqual(3 * 41_000);
  });

  it('takes RSS creep with the heap flat for allocator growth per hour, as per iteration', () => {
    const rss = hourly(climb);
    const w = weighSoakWindow(rss, { timed: climb, heap: { trend: heapTrend('bounded'), decelerating: null }, creepPerHour: 2e9, warmupMs: 3000 });
    expect(w.verdict).toBe('inconclusive');
    expect(w.reason).toMatch(/^the runtime heap after GC grows [^,]+, less than is worth calling a leak, so RSS growth under 2\.00 GB per hour \(64 KiB per step or request\) is taken for allocator growth/);
    expect(w.measureForMs).toBe(600_000);
  });

  it('with the heap grown only early and flat since, takes the climb for allocator growth', () => {
    const stopped = { firstPerHour: 80 * MB, secondPerHour: 4 * MB, measureForMs: 112_000, stopped: true };
    const w = weighSoakWindow(hourly(climb), { timed: climb, heap: { trend: heapTrend('inconclusive'), decelerating: stopped }, creepPerHour: 9e9, warmupMs: 3000 });
    expect(w.reason).toMatch(/^the runtime heap after GC is no longer growing \(it grew in the first half of the window only\), so RSS growth under 9\.00 GB per hour/);
    expect(w.measureForMs).toBe(600_000);
  });

  it('gives a noisy inconclusive the duration that would decide', () => {
    const rss: TrendResult = { ...hourly(climb), verdict: 'inconclusive', moreIterationsNeeded: 57 };
    expect(weighSoakWindow(rss, { timed: climb, heap: null, creepPerHour: 0, warmupMs: 0 }).measureForMs).toBe(112_000);
  });
});

describe('formatNeeded', () => {
  it('rounds up to what one would ask for', () => {
    expect([50_001, 121_000, 3_700_000, 50 * HOUR].map(formatNeeded)).toEqual(['60 s', '3 min', '1 h 2 min', '2 d 2 h']);
  });
});
