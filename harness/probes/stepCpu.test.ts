import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createStepCpuMeter } from './stepCpu.ts';

describe('createStepCpuMeter', () => {
  it('counts the CPU of a command run and reaped during the step', () => {
    const meter = createStepCpuMeter();
    const mark = meter.mark([]);
    // a child that spins for ~200 ms of CPU, then exits and is reaped
    spawnSync(process.execPath, ['-e', 'const t = process.cpuUsage(); while (process.cpuUsage(t).user < 200_000);']);
    expect(meter.since(mark)).toBeGreaterThanOrEqual(150);
  });

  it('counts nothing for a step that only waited', async () => {
    const meter = createStepCpuMeter();
    const mark = meter.mark([process.pid]);
    await new Promise((r) => setTimeout(r, 200));
    expect(meter.since(mark)).toBeLessThan(100);
  });
});
