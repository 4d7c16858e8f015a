// How often a run stops its target to observe it: where a forced GC costs more than a step, a
// boundary every k steps, k keeping observing to a quarter of the wall time and the trend its points.
import { describe, expect, it } from 'vitest';
import { chooseEvery, createObserveCadence, MIN_TREND_POINTS, soakInterval } from './observeCadence.ts';

describe('chooseEvery', () => {
  it('reads after every step while a forced GC costs no more than a step', () => {
    expect(chooseEvery({ stepMs: 12, boundaryMs: 9, gcMs: 2, measuredSteps: 50 })).toMatchObject({ every: 1 });
  });

  it('spaces the boundaries so observing takes at most 25% where a forced GC costs more than a step', () => {
    const c = chooseEvery({ stepMs: 51.5, boundaryMs: 113, gcMs: 80, measuredSteps: 300, stepsSoFar: 5, boundariesSoFar: 5 });
    // the 5 warmup boundaries and the settle's count too
    expect(c.every).toBe(12);
    expect(c.share).toBeLessThanOrEqual(0.25);
    expect(c.why).toBe('a boundary every 12 steps: a forced GC costs 80.0 ms and a boundary 113 ms beside a step of 51.5 ms, so observing takes at most 25% of the wall time');
  });

  it('keeps the trend its points, and says what it cost', () => {
    const c = chooseEvery({ stepMs: 3, boundaryMs: 200, gcMs: 150, measuredSteps: 50 });
    expect(c.every).toBe(Math.floor(50 / MIN_TREND_POINTS));
    expect(c.share).toBeGreaterThan(0.25);
    expect(c.why).toMatch(/no spacing would keep observing to 25% of the wall time, but the trend keeps 20 of the 50 measured steps \(run more steps to observe less\)$/);
  });
});

it('reads after every step when a boundary is cheap, whatever the step', () => {
  expect(chooseEvery({ stepMs: 1, boundaryMs: 4, gcMs: 2, measuredSteps: 200 })).toMatchObject({ every: 1 });
});

describe('soakInterval', () => {
  it('stretches the clock to five times what a boundary takes, within the trend\'s points', () => {
    expect(soakInterval({ plannedMs: 2000, boundaryMs: 300, measureMs: 60_000 })).toBe(2000);
    expect(soakInterval({ plannedMs: 2000, boundaryMs: 1000, measureMs: 600_000 })).toBe(5000);
    expect(soakInterval({ plannedMs: 2000, boundaryMs: 5000, measureMs: 60_000 })).toBe(3000);
  });

  it('keeps MIN_TREND_POINTS over the measured phase, not over the soak with its warmup', () => {
    // loadAccounting's gthread soak: 75 s, the first 35 s warmup; a boundary of 1 s on a busy machine
    const c = createObserveCadence({ measure: { ms: 75_000 }, warmup: { ms: 35_000 }, checkpointMs: 2000 });
    c.boundary({ gcMs: 600, readMs: 300, agentMs: 100, forced: true });
    expect(c.nextIntervalMs()).toBe(40_000 / MIN_TREND_POINTS);
    // a warmup of steps takes no time the plan knows of
    const counted = createObserveCadence({ measure: { ms: 75_000 }, warmup: { steps: 5 }, checkpointMs: 2000 });
    counted.boundary({ gcMs: 600, readMs: 300, agentMs: 100, forced: true });
    expect(counted.nextIntervalMs()).toBe(75_000 / MIN_TREND_POINTS);
  });

  it('says the share of the wall time a boundary takes of its interval', () => {
    const c = createObserveCadence({ measure: { ms: 600_000 }, warmup: { ms: 30_000 }, checkpointMs: 2000 });
    c.boundary({ gcMs: 800, readMs: 150, agentMs: 50, forced: true });
    expect(c.nextIntervalMs()).toBe(5000);
    expect(c.result()).toMatchObject({ everyMs: 5000, plannedMs: 2000, share: 0.2 });
    expect(c.result()!.why).toMatch(/at most 25% of the time$/);
  });

  it('says what observing still took when the trend\'s points stop the stretch', () => {
    // loadAccounting's gthread soak beside hogs: 40 s measured, boundaries of 1.6 s, stretched to 2 s
    const c = createObserveCadence({ measure: { ms: 75_000 }, warmup: { ms: 35_000 }, checkpointMs: 1000 });
    c.boundary({ gcMs: 1000, readMs: 400, agentMs: 200, forced: true });
    expect(c.nextIntervalMs()).toBe(2000);
    expect(c.result()).toMatchObject({ everyMs: 2000, share: 0.8 });
    expect(c.result()!.why).toBe(`a boundary every 2000 ms rather than 1000 ms: each took 1600 ms; stretched no further, so that the trend keeps ${MIN_TREND_POINTS} points, observing took 80% of the time`);
  });
});

describe('a counted run\'s cadence', () => {
  it('chooses k once a few steps and boundaries are timed, reads every k-th measured step and the last', () => {
    const c = createObserveCadence({ measure: { steps: 100 }, warmup: { steps: 10 }, checkpointMs: 0 });
    for (let i = 0; i < 3; i++) {
      c.step(20);
      c.boundary({ gcMs: 90, readMs: 5, agentMs: 5, forced: true });
    }
    const read = Array.from({ length: 100 }, (_, i) => c.readAfter(i + 1, i === 99)).flatMap((r, i) => (r ? [i + 1] : []));
    // 100 ms a boundary beside 20 ms a step: k = 15, capped by the trend's points at 99 / 20 = 4
    expect(read.slice(0, 4)).toEqual([1, 5, 9, 13]);
    expect(read.at(-1)).toBe(100);
    expect(read.length).toBeGreaterThanOrEqual(MIN_TREND_POINTS);
    // the costs it chose on, for a reader to hold the choice to the rule
    expect(c.result()).toMatchObject({ everySteps: 4, chosenOn: { stepMs: 20, gcMs: 90, boundaryMs: 100 } });
  });

  it('says the costs it chose on when the step costs more than the GC, as on a busy machine', () => {
    const c = createObserveCadence({ measure: { steps: 100 }, warmup: { steps: 10 }, checkpointMs: 0 });
    for (let i = 0; i < 3; i++) {
      c.step(68.9);
      c.boundary({ gcMs: 54.1, readMs: 5, agentMs: 5, forced: true });
    }
    const read = Array.from({ length: 100 }, (_, i) => c.readAfter(i + 1, i === 99)).filter(Boolean);
    expect(read.length).toBe(100);
    expect(c.result()).toMatchObject({ everySteps: 1, chosenOn: { stepMs: 68.9, gcMs: 54.1 } });
    expect(c.result()!.why).toMatch(/^a boundary after every step: a forced GC \(54\.1 ms\) costs no more than a step \(68\.9 ms\)/);
  });
});
