import { describe, expect, it } from 'vitest';
import { startCheckpointClock } from './boundaryReads.ts';
import { createPauseLog } from './pauseLog.ts';

describe('pause log', () => {
  it('tells a request that overlapped a checkpoint, one still open included, from one clear of them', () => {
    const log = createPauseLog();
    log.open(100).close(150);
    log.open(300); // open
    expect(log.overlaps(10, 90)).toBe(false); // before it
    expect(log.overlaps(90, 110)).toBe(true); // into it
    expect(log.overlaps(120, 130)).toBe(true); // inside it
    expect(log.overlaps(140, 200)).toBe(true); // out of it
    expect(log.overlaps(160, 290)).toBe(false); // between the two
    expect(log.overlaps(290, 310)).toBe(true); // into the open one
    expect(log.overlaps(5000, 5001)).toBe(true); // it is still open
  });
});

describe('checkpoint clock', () => {
  it('times a checkpoint once: its parts for the tally, the same span for its window and its pause event', () => {
    let clock = 100;
    const log = createPauseLog();
    const c = startCheckpointClock(5, log, () => clock);
    clock = 130;
    c.gcDone(true);
    clock = 140;
    c.readDone();
    clock = 150;
    expect(c.cost()).toEqual({ gcMs: 30, readMs: 10, agentMs: 10, forced: true });
    expect(log.overlaps(149, 149.5)).toBe(true); // open until it ends
    expect(c.end()).toEqual({ k: 'pause', t: 5, ms: 50, gc: 30 });
    expect(log.overlaps(151, 160)).toBe(false);
    expect(log.overlaps(99, 100)).toBe(true);
  });

  it('marks a checkpoint that forced no GC, and needs no pause log in a counted run', () => {
    let clock = 0;
    const log = createPauseLog();
    const reused = startCheckpointClock(7, log, () => clock);
    clock = 1;
    reused.gcDone(false);
    clock = 4;
    expect(reused.cost().forced).toBe(false);
    expect(reused.end()).toEqual({ k: 'pause', t: 7, ms: 4, gc: 1, reused: true });
    const counted = startCheckpointClock(9, undefined, () => clock);
    counted.gcDone(true);
    expect(counted.end()).toBeNull();
  });
});
