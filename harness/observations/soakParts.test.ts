// The pure parts of a soak: pacing, the load profile, worker lifetimes, alerts, early stop, the
// Prometheus text. The runs themselves are in soakRun.test.ts.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/types.ts';
import { loadAt } from '../drivers/loadGenerator.ts';
import { planAlerts, planBudgets, planLoad, planRun } from '../scenario/runPlan.ts';
import { createProcessLives } from './processLives.ts';
import { createAlertWatch, MAX_PER_LEVEL } from '../analysis/alerts.ts';
import { createEarlyStop } from '../analysis/earlyStop.ts';
import { renderMetrics } from './metricsEndpoint.ts';
import { stepErrorsCheck } from '../analysis/soakChecks.ts';

const base: Scenario = { name: 's', step: () => undefined };
const soakPlan = (s: Scenario, o: { duration?: string } = {}) => {
  const p = planRun(s, 's.scenario.ts', o);
  return { ...p, durationMs: 'ms' in p.measure ? p.measure.ms : null };
};

describe('soak plan', () => {
  it('takes the duration from the command line first, then the scenario, then the load profile', () => {
    expect(planRun(base, 'x').measure).toEqual({ steps: 50 });
    expect(planRun({ ...base, duration: '1h' }, 'x', { iterations: 7 }).measure).toEqual({ steps: 7 });
    expect(soakPlan({ ...base, duration: '24h' }, { duration: '7d' }).durationMs).toBe(7 * 86_400_000);
    const load = { requests: [{ path: '/' }], phases: [{ duration: '1m', rate: 10 }, { duration: '30s' }] };
    expect(soakPlan({ ...base, load }).durationMs).toBe(90_000);
    expect(() => planRun({ ...base, duration: '0s' }, 'x')).toThrow(/needs a duration/);
  });

  it('paces by rate, interval, once a second under load, or back to back; warms up by time or steps', () => {
    expect(soakPlan({ ...base, duration: '1h', rate: '10/s' }).pace).toEqual({ kind: 'rate', ms: 100 });
    expect(soakPlan({ ...base, duration: '1h', interval: '500ms' }).pace).toEqual({ kind: 'interval', ms: 500 });
    expect(soakPlan({ ...base, duration: '1h' }).pace.kind).toBe('none');
    expect(soakPlan({ ...base, duration: '1h', warmup: '30m' }).warmup).toEqual({ ms: 1_800_000 });
    expect(soakPlan({ ...base, duration: '1h', warmup: 5 }).warmup).toEqual({ steps: 5 });
    expect(soakPlan({ ...base, duration: '7d' }).warmup).toEqual({ ms: 1_800_000 }); // 5%, at most 30 min
    expect(soakPlan({ ...base, duration: '7d' }).checkpointMs).toBe(300_000);
    expect(soakPlan({ ...base, duration: '60s' }).checkpointMs).toBe(2000);
  });
});

describe('load profile', () => {
  const spec = planLoad({ requests: [{ path: '/' }], connections: 8, phases: [{ duration: '10s', rate: 100 }, { duration: '20s', rate: 100 }, { duration: '10s', rate: 10, connections: 2 }] });
  it('ramps linearly from the previous rate, holds the plateau, ramps down, then holds the last', () => {
    expect(spec.totalMs).toBe(40_000);
    expect(loadAt(spec, 0).rate).toBe(0);
    expect(loadAt(spec, 5000).rate).toBe(50);
    expect(loadAt(spec, 15_000)).toEqual({ rate: 100, connections: 8 });
    expect(loadAt(spec, 35_000)).toEqual({ rate: 55, connections: 2 });
    expect(loadAt(spec, 99_000)).toEqual({ rate: 10, connections: 2 });
    expect(loadAt({ phases: [{ ms: 1000 }] }, 500)).toEqual({ rate: null, connections: 10 });
  });
});

describe('process lives', () => {
  it('tells recycled workers from the master, keeps each peak, and records a signal death', () => {
    const lives = createProcessLives({ maxEnded: 2 });
    lives.command(1, 'master', true);
    lives.observe(0, [1, 2, 3], [10, 20, 30], 60);
    lives.observe(1000, [1, 2, 3], [10, 25, 30], 65);
    lives.observe(2000, [1, 3, 4], [10, 31, 5], 46); // 2 replaced by 4
    lives.observe(3000, [1, 4, 5], [10, 6, 5], 21); // 3 replaced by 5
    lives.observe(4000, [1, 5, 6], [10, 5, 5], 20); // 4 replaced by 6: only the last 2 ended are listed
    expect(lives.summary()).toEqual({ ended: 3, recycled: 3, maxRecycledPeak: 31 });
    const listed = lives.list();
    expect(listed.filter((l) => l.end === 'recycled').map((l) => [l.pid, l.peakRss])).toEqual([[3, 31], [4, 6]]);
    lives.exited(4500, 1, null, 'SIGKILL');
    expect(lives.list().find((l) => l.pid === 1)).toMatchObject({ end: 'SIGKILL', endedAt: 4500, command: 'master', peakRss: 10 });
    expect(lives.lastRss(1)).toBe(10);
  });
});

describe('alerts and early stop', () => {
  it('raises a level once per crossing, re-arms 5% below it, and stops raising after the cap', () => {
    const w = createAlertWatch(planAlerts({ rss: { warning: '400MB', critical: '500MB' } }));
    expect(w.observe(0, 300e6)).toEqual([]);
    expect(w.observe(1, 410e6).map((a) => a.level)).toEqual(['warning']);
    expect(w.observe(2, 420e6)).toEqual([]);
    expect(w.observe(3, 510e6).map((a) => a.level)).toEqual(['critical']);
    expect(w.observe(4, 390e6)).toEqual([]); // above 380 MB: the warning is not re-armed yet
    expect(w.observe(5, 401e6)).toEqual([]);
    expect(w.observe(6, 370e6)).toEqual([]);
    expect(w.observe(7, 401e6).map((a) => a.message)).toEqual(['RSS 401.0 MB crossed the warning threshold 400.0 MB']);
    let raised = 0;
    for (let i = 0; i < 200; i++) raised += w.observe(8 + i, i % 2 ? 100e6 : 450e6).length;
    expect(raised).toBe(MAX_PER_LEVEL - 2);
  });

  it('stops early only on checks that cannot recover', () => {
    const stop = createEarlyStop(planBudgets({ peakRss: '100MB', rssGrowth: '1MB' }), true);
    expect(stop({ peakRss: 99e6, seepPeak: 50e6, criticalAlerts: 0 })).toBeNull();
    expect(stop({ peakRss: 101e6, seepPeak: 50e6, criticalAlerts: 0 })).toMatch(/budget\.peakRss/);
    expect(stop({ peakRss: 1e6, seepPeak: 301e6, criticalAlerts: 0 })).toMatch(/budget\.seepRss/);
    expect(stop({ peakRss: 1e6, seepPeak: 1e6, criticalAlerts: 1 })).toMatch(/critical/);
  });
});

describe('Prometheus text', () => {
  it('writes HELP and TYPE once per metric, a line per scenario, escapes labels, skips unknown values', () => {
    const text = renderMetrics(new Map([
      ['a "quoted"\nname', () => ({ targetRss: 123, samples: 4, latencyP99: null, stepErrors: 2 })],
      ['b', () => ({ targetRss: 456 })],
    ]));
    expect(text).toContain('# TYPE seep_target_rss_bytes gauge\nseep_target_rss_bytes{scenario="a \\"quoted\\"\\nname"} 123\nseep_target_rss_bytes{scenario="b"} 456\n');
    expect(text).toContain('# TYPE seep_samples_total counter');
    expect(text).toContain('# TYPE seep_step_errors_total counter\nseep_step_errors_total{scenario="a \\"quoted\\"\\nname"} 2\n');
    expect(text).not.toContain('latency');
  });
});

describe('step errors', () => {
  it('fail the default budget of 0 on one error, name the first ones and the last, pass within a budget', () => {
    const e = (t: number, message: string) => ({ t, message });
    const none = stepErrorsCheck({ max: 0, written: false }, { count: 0, first: [], last: null }, 120);
    expect(none).toMatchObject({ id: 'budget.stepErrors', resource: 'steps', pass: true, observed: 0, message: 'no step threw (120 steps)' });
    const tally = { count: 5, first: [e(1000, 'GET /a failed: ECONNRESET'), e(61_000, 'timed out'), e(62_000, 'x')], last: e(3_600_000, 'GET /z failed') };
    const failed = stepErrorsCheck({ max: 0, written: false }, tally, 3600);
    expect(failed.pass).toBe(false);
    expect(failed.message).toBe('5 of 3600 steps threw (budget 0, the default); at 1s: GET /a failed: ECONNRESET; at 1m1s: timed out; at 1m2s: x; at 1h0s: GET /z failed');
    expect(stepErrorsCheck({ max: 5, written: true }, tally, 3600).pass).toBe(true);
    expect(stepErrorsCheck({ max: 4, written: true }, tally, null).message).toMatch(/^5 steps threw \(budget 4\)/);
  });
});

