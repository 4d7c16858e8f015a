import { describe, expect, it } from 'vitest';
import { createPauseLog } from './pauseLog.ts';

describe('pause log', () => {
  it('tells a request that overlapped a checkpoint, one still open included, from one clear of them', () => {
    let clock = 0;
    const log = createPauseLog(() => clock);
    clock = 100;
    const first = log.begin(5);
    clock = 150;
    expect(first.end(30)).toEqual({ k: 'pause', t: 5, ms: 50, gc: 30 });
    clock = 300;
    log.begin(205); // open
    expect(log.overlaps(10, 90)).toBe(false); // before it
    expect(log.overlaps(90, 110)).toBe(true); // into it
    expect(log.overlaps(120, 130)).toBe(true); // inside it
    expect(log.overlaps(140, 200)).toBe(true); // out of it
    expect(log.overlaps(160, 290)).toBe(false); // between the two
    expect(log.overlaps(290, 310)).toBe(true); // into the open one
    expect(log.overlaps(5000, 5001)).toBe(true); // it is still open
  });

});
