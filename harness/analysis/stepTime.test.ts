import { describe, expect, it } from 'vitest';
import { analyzeTrend } from './trend.ts';
import { cpuExplainsRise, judgeStepTimes, STEP_SLOWING_FLOOR_MS } from './stepTime.ts';

// fixtures/disk/history_service.py, leaky: 234 → 687 ms over 40 steps, with a little jitter
const growing = (i: number) => (234 + 11.3 * i) * (1 + 0.1 * Math.sin(i * 2.7));
// ...and a CPU hog beside it from step 5 to step 14 that makes every step 2.2 times as long
const bump = Array.from({ length: 40 }, (_, i) => growing(i) * (i >= 5 && i < 15 ? 2.2 : 1));

describe('judgeStepTimes', () => {
  it('does not call a slowing step bounded because a load came and went (a rise then a flat stretch)', () => {
    // the plateau rule reads the bump as a cache that filled: the false all-clear CI saw
    const withPlateau = analyzeTrend({ y: bump, kind: 'memory', per: 'iteration', unit: 'ms', series: 'boundaries' }, { minSlope: STEP_SLOWING_FLOOR_MS });
    expect(withPlateau.verdict).toBe('bounded');
    expect(judgeStepTimes(bump).verdict).not.toBe('bounded');
  });

  it('calls a steadily slowing step a leak, and a steady one not', () => {
    expect(judgeStepTimes(Array.from({ length: 40 }, (_, i) => growing(i))).verdict).toBe('leak');
    expect(judgeStepTimes(Array.from({ length: 40 }, (_, i) => 250 * (1 + 0.1 * Math.sin(i * 2.7)))).verdict).not.toBe('leak');
  });
});

describe('cpuExplainsRise', () => {
  // fixtures/disk/temp_cli.py, fixed, beside two CPU hogs and a load that grew over the run: the
  // wall time of its Python start-ups doubles while their CPU stays at 0.7-0.9 s, a little higher
  // when the machine is busiest (a hog on a sibling thread)
  const load = (i: number) => 1 + i / 20;
  const jitter = (i: number) => 1 + 0.05 * Math.sin(i * 2.7);
  const loadWall = Array.from({ length: 20 }, (_, i) => 1800 * load(i) * jitter(i));
  const loadCpu = Array.from({ length: 20 }, (_, i) => 760 * (1 + (load(i) - 1) * 0.15) * jitter(i + 3));
  // the leaky history beside two hogs: wall 89 -> 709 ms, CPU 20 -> 220 ms a step
  const leakWall = Array.from({ length: 60 }, (_, i) => (89 + 10.5 * i) * (1 + 0.3 * Math.sin(i * 2.7)));
  const leakCpu = Array.from({ length: 60 }, (_, i) => Math.round((20 + 3.4 * i) / 10) * 10);

  it('takes a wall-time rise whose CPU barely followed for the machine\'s load', () => {
    const wall = judgeStepTimes(loadWall);
    expect(wall.verdict).toBe('leak');
    expect(cpuExplainsRise(wall, loadWall, loadCpu)?.explained).toBe(false);
  });

  it('keeps a slowing step whose CPU grows with it, in ticks of 10 ms', () => {
    const wall = judgeStepTimes(leakWall);
    expect(wall.verdict).toBe('leak');
    expect(cpuExplainsRise(wall, leakWall, leakCpu)?.explained).toBe(true);
  });

  it('judges the wall time alone where the steps cost the target no CPU it could read', () => {
    expect(cpuExplainsRise(judgeStepTimes(loadWall), loadWall, loadWall.map(() => 0))).toBeNull();
  });
});
