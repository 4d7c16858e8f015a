import { describe, expect, it } from 'vitest';
import type { Check, ScenarioReport } from '../report/runReportSchema.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { calibrationNotRun, judgeCalibration, planCalibration } from './calibration.ts';

const detectable = (slope: number) => ({ slope, unit: 'B', per: 'iteration' as const, power: 0.99, alpha: 0.001, floor: 4096, limitedBy: 'noise' as const, noise: { sd: 1000, points: 61, autocorrelationFactor: 1 } });
const leakCheck = (id: 'leak.heap' | 'leak.rss', pass: boolean, slope?: number): Check => ({
  id, resource: id === 'leak.heap' ? 'heap' : 'rss', kind: 'leak', observed: 0, unit: 'B', pass, message: id, ...(slope ? { detectable: detectable(slope) } : {}),
});
function scenario(checks: Check[], rest: Partial<ScenarioReport> = {}): ScenarioReport {
  const s = syntheticReport().scenarios[0]!;
  return { ...s, verdict: checks.every((c) => c.pass) ? 'pass' : 'fail', checks, target: { kind: 'module', runtime: 'node' }, ...rest };
}
const counted = { measure: { steps: 60 }, target: { kind: 'module' as const, path: 'x.mjs', runtime: 'node' as const, env: {} } };

describe('calibration', () => {
  it('plants the smallest size a passing leak check stated, rounded up to a KiB', () => {
    const plan = planCalibration(counted, scenario([leakCheck('leak.rss', true, 180_000), leakCheck('leak.heap', true, 12_300)]));
    expect(plan).toMatchObject({ plant: 13 * 1024, sizedBy: { id: 'leak.heap' } });
    // at the same size, the heap: RSS lags while the allocator reuses what it freed
    expect(planCalibration(counted, scenario([leakCheck('leak.rss', true, 4096), leakCheck('leak.heap', true, 4096)]))).toMatchObject({ sizedBy: { id: 'leak.heap' } });
  });
  it('says why it does not run: a failed run, a soak, a CLI, no agent, nothing stated', () => {
    const s = scenario([leakCheck('leak.heap', true, 12_000)]);
    expect(planCalibration(counted, scenario([leakCheck('leak.heap', false, 12_000)]))).toEqual({ notRun: expect.stringMatching(/failed/) });
    expect(planCalibration({ ...counted, measure: { ms: 60_000 } }, s)).toEqual({ notRun: expect.stringMatching(/soak/) });
    expect(planCalibration({ ...counted, target: { kind: 'cli' } }, s)).toEqual({ notRun: expect.stringMatching(/CLI/) });
    expect(planCalibration(counted, { ...s, target: { kind: 'service' } })).toEqual({ notRun: expect.stringMatching(/no agent/) });
    expect(planCalibration(counted, scenario([leakCheck('leak.heap', true)]))).toEqual({ notRun: expect.stringMatching(/could not state/) });
    expect(planCalibration(counted, scenario([]))).toEqual({ notRun: expect.stringMatching(/a budget on RSS replaces leak\.rss/) });
    expect(calibrationNotRun('why').check).toMatchObject({ id: 'calibration', pass: true, measured: false });
  });
  it('a leak the sizing check missed fails, even when another check caught it', () => {
    const sizedBy = leakCheck('leak.heap', true, 16_000);
    const caught = judgeCalibration(16_384, sizedBy, scenario([leakCheck('leak.heap', false), leakCheck('leak.rss', true)]));
    expect(caught.calibration).toMatchObject({ outcome: 'caught', caughtBy: ['leak.heap'] });
    expect(caught.calibration.message).toMatch(/planted 16.4 KB\/iteration → caught by leak\.heap/);
    expect(caught.check.pass).toBe(true);
    const missed = judgeCalibration(16_384, sizedBy, scenario([leakCheck('leak.heap', true), leakCheck('leak.rss', false)]));
    expect(missed.calibration.outcome).toBe('missed');
    expect(missed.calibration.message).toMatch(/missed by leak\.heap \(caught by leak\.rss\): this run's gate is weaker than it claims/);
    expect(missed.check.pass).toBe(false);
    const errored = judgeCalibration(16_384, sizedBy, scenario([], { verdict: 'error', error: 'unknown op plant' }));
    expect(errored.check.pass).toBe(false);
    expect(errored.calibration.message).toMatch(/unknown op plant/);
  });
});
