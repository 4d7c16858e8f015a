import { expect, it } from 'vitest';
import { checkpointClock } from './checkpointClock.ts';

it('keeps a soak\'s checkpoints an interval apart on the wall clock, whatever each took to read', () => {
  const clock = checkpointClock(2000);
  const due: number[] = [];
  // each read after the first step past its due time (steps a second apart), taking 700 ms
  for (let step = 0; step <= 20_000; step += 1000) {
    if (step < clock.due()) continue;
    due.push(clock.due());
    clock.next(step + 700, 2000);
  }
  expect(due).toEqual([2000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000, 20_000]);
});

it('restarts from a read that overran the next one\'s due time, rather than reading again at once', () => {
  const clock = checkpointClock(2000);
  clock.next(5000, 2000); // due at 2000, ended at 5000: 4000 has passed
  expect(clock.due()).toBe(7000);
  clock.next(7500, 2000);
  expect(clock.due()).toBe(9000);
  clock.restart(9500);
  expect(clock.due()).toBe(9500);
});
