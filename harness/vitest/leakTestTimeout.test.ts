import { describe, expect, it } from 'vitest';
import { planRun } from '../scenario/runPlan.ts';
import type { Scenario } from '../scenario/types.ts';
import { MAX_STRETCH } from '../agents/attributionBudget.ts';
import { leakTestTimeoutMs } from './leakTestTimeout.ts';

const step = () => undefined;
const timeout = (s: Omit<Scenario, 'name' | 'step'>) => leakTestTimeoutMs(planRun({ name: 't', step, ...s }, 't.leak.ts'));
const MIN = 60_000;

describe('leakTestTimeoutMs', () => {
  it('a counted run: every step at its timeout, with start-up, settle, naming suspects and stopping on top', () => {
    const ms = timeout({ module: { path: 'jobs.mjs' }, warmup: 10, iterations: 30, stepTimeoutMs: 5000 });
    // 40 steps of 5 s, the first 10 extra steps of the suspects' look, a 30 s load and a 30 s attribution budget,
    // which a busy machine may stretch up to MAX_STRETCH times on the wall clock (it is counted in CPU time)
    expect(ms).toBeGreaterThanOrEqual(40 * 5000 + 10 * 5000 + 30_000 + MAX_STRETCH * 30_000);
    expect(ms).toBeLessThan(4 * MIN + MAX_STRETCH * 30_000 + 2 * MIN);
  });

  it('grows with the iterations and with the step timeout, so a scenario never needs a hand-set one', () => {
    const base = timeout({ iterations: 30, stepTimeoutMs: 5000 });
    expect(timeout({ iterations: 60, stepTimeoutMs: 5000 }) - base).toBeGreaterThanOrEqual(30 * 5000);
    expect(timeout({ iterations: 30, stepTimeoutMs: 10_000 }) - base).toBeGreaterThanOrEqual((3 + 30) * 5000);
    // the defaults (50 iterations, 3 warmup, 30 s a step): the step timeouts alone are 26.5 min
    expect(timeout({})).toBeGreaterThan(53 * 30_000);
  });

  it('a soak: its duration, the step in flight, and a fifth of it for naming suspects', () => {
    const ms = timeout({ duration: '10m', stepTimeoutMs: 5000 });
    // the fifth (2 min) for naming suspects is counted in CPU time: up to MAX_STRETCH times on the wall clock
    expect(ms).toBeGreaterThanOrEqual(10 * MIN + 5000 + MAX_STRETCH * 2 * MIN);
    expect(ms).toBeLessThan(10 * MIN + MAX_STRETCH * 2 * MIN + 3 * MIN);
  });

  it('adds a service\'s ready timeout, the hooks, and a second run when it calibrates', () => {
    const plain = timeout({ iterations: 20, stepTimeoutMs: 1000 });
    const service = { command: ['node', 'app.js'], ready: { http: '/', timeoutMs: 90_000 } };
    expect(timeout({ iterations: 20, stepTimeoutMs: 1000, service }) - plain).toBe(90_000);
    expect(timeout({ iterations: 20, stepTimeoutMs: 1000, setup: step, teardown: step }) - plain).toBe(2000);
    expect(timeout({ iterations: 20, stepTimeoutMs: 1000, calibrate: true })).toBe(2 * plain);
  });
});
