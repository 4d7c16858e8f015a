// --attach on the plan: every service scenario attaches to the pid instead, keeping its URL (or
// finding it from the port the process listens on) and its readiness check; other kinds cannot.
import { describe, expect, it } from 'vitest';
import { planRun } from './runPlan.ts';
import type { Scenario } from './types.ts';

const step = () => undefined;
const started: Scenario = { name: 's', service: { command: ['python3', 'app.py', '{port}'], ready: { http: '/healthz' } }, step };

describe('planRun: attached services', () => {
  it('plans service.attach as given, with the field that names the pid', () => {
    const byFile = planRun({ name: 'a', service: { attach: { pidFile: 'run/app.pid' }, url: 'http://127.0.0.1:81' }, step }, 'a.scenario.ts');
    expect(byFile.target).toEqual({ kind: 'attached', attach: { pidFile: 'run/app.pid', field: 'service.attach.pidFile' }, url: 'http://127.0.0.1:81' });
  });

  it('--attach replaces a started service, keeping its readiness check and leaving the URL to be found', () => {
    expect(planRun(started, 's.scenario.ts', { attach: 42 }).target).toEqual({ kind: 'attached', attach: { pid: 42, field: '--attach' }, url: null, ready: { http: '/healthz' } });
    const stdout: Scenario = { ...started, service: { command: ['x'], ready: { stdout: 'up' } } };
    expect(planRun(stdout, 's.scenario.ts', { attach: 42 }).target).toEqual({ kind: 'attached', attach: { pid: 42, field: '--attach' }, url: null });
  });

  it("--attach replaces an attached service's pid and keeps its URL", () => {
    const attached: Scenario = { name: 'a', service: { attach: { pidFile: 'x.pid' }, url: 'http://127.0.0.1:81' }, step };
    expect(planRun(attached, 'a.scenario.ts', { attach: 7 }).target).toEqual({ kind: 'attached', attach: { pid: 7, field: '--attach' }, url: 'http://127.0.0.1:81' });
  });

  it('refuses --attach on a module or CLI scenario, and under a memoryLimit', () => {
    expect(() => planRun({ name: 'm', module: { path: 'm.py' }, step }, 'm.scenario.ts', { attach: 7 })).toThrow(/--attach 7: only a service scenario can attach.*drives a module/);
    expect(() => planRun({ name: 'c', step }, 'c.scenario.ts', { attach: 7 })).toThrow(/drives a CLI/);
    expect(() => planRun({ ...started, memoryLimit: '1GB' }, 's.scenario.ts', { attach: 7 })).toThrow(/memoryLimit/);
  });
});

describe('planRun: load phases and the soak', () => {
  const service = { command: ['node', 'x.mjs'], ready: { tcp: true as const } };
  const load = { requests: [{ path: '/' }], phases: [{ duration: '10s', rate: 40 }, { duration: '80s', rate: 40 }] };
  it('refuses a --duration shorter than the phases, before anything starts', () => {
    expect(() => planRun({ name: 'a', service, load, step }, 'a.scenario.ts', { duration: '60s' }))
      .toThrow("load.phases: the phases last 1m30s, longer than the soak's 1m0s (--duration): the load would be cut short; shorten the phases or lengthen the soak");
  });

  it('takes a longer soak (the last phase holds) and a counted run (no load runs)', () => {
    expect(planRun({ name: 'a', service, load, step }, 'a.scenario.ts', { duration: '8m' }).measure).toEqual({ ms: 480_000 });
    expect(planRun({ name: 'a', service, load, step }, 'a.scenario.ts', { iterations: 5 }).measure).toEqual({ steps: 5 });
  });
});
