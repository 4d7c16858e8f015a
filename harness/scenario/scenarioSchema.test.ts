import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { scenarioSchema, validateScenario } from './scenarioSchema.ts';
import { loadScenarioFile, ScenarioFileError } from './loadScenario.ts';
import type { AttachedServiceSpec, Scenario, ServiceSpec } from './types.ts';

const step = () => undefined;

// One valid example of every shape the authoring types (types.ts) allow.
const valid: Scenario[] = [
  {
    name: 'export: 50 download-tracker cycles',
    service: {
      command: ['python3', 'fixtures/export-service/server.py', '--port', '{port}'],
      ready: { http: '/healthz', timeoutMs: 10_000 },
      env: { VARIANT: 'fixed' },
      cwd: '.',
      restart: false,
    },
    warmup: 5,
    iterations: 50,
    step,
    budgets: { rssGrowth: '50MB', sockets: 'baseline' },
  },
  { name: 'crew', module: { path: 'fixtures/crew/crew.py' }, warmup: 3, iterations: 50, step, budgets: { rssGrowth: '50MB' } },
  {
    name: 'cli',
    warmup: 3,
    iterations: 100,
    step,
    setup: step,
    teardown: step,
    stepTimeoutMs: 5000,
    settleMs: 500,
    sampleHz: 4,
    env: { A: 'b' },
    budgets: {
      orphans: 0,
      output: { forbid: ['Unclosed client session', /ResourceWarning/] },
      files: { 'x/.history': '2MB' },
      rssPerIteration: '100KB',
      rssSlope: '5MB/h',
      peakRss: '1GB',
      heapGrowth: '10MB',
      fds: 'baseline+2',
      threads: 10,
      children: 'baseline',
      handles: 'baseline+1',
      latencyP99: '200ms',
      seepRss: '150MB',
    },
  },
  {
    name: 'soak',
    service: { command: ['node', 'x.mjs'], ready: { stdout: /listening/ } },
    duration: '24h',
    warmup: '30m',
    rate: '10/s',
    load: { requests: [{ path: '/a', method: 'POST', body: '{}', headers: { a: 'b' } }], connections: 4, phases: [{ duration: '5m', rate: 100 }] },
    alerts: { rss: { warning: '400MB', critical: '500MB' } },
    abortOnFail: true,
    step,
  },
  { name: 'tcp', service: { command: ['x'], ready: { tcp: true } }, interval: '500ms', iterations: 3, step },
  { name: 'attached by pid', service: { attach: { pid: 1234 }, url: 'http://127.0.0.1:8080', ready: { http: '/healthz', timeoutMs: 5000 } }, step },
  { name: 'attached by pid file', service: { attach: { pidFile: '/run/app.pid' }, url: 'http://10.0.0.5:8080/api' }, duration: '1h', load: { requests: [{ path: '/' }], phases: [{ duration: '1h', rate: 10 }] }, step },
  {
    name: 'deployed, seen through Prometheus',
    service: { url: 'http://orders.staging:8080', ready: { http: '/healthz' } },
    evidence: { prometheus: { url: 'http://prometheus:9090', selector: 'namespace="staging"', metric: 'working-set', limitQuery: 'kube_pod_container_resource_limits{resource="memory"}', step: '30s' } },
    duration: '24h',
    step,
    budgets: { rssSlope: '5MB/h', peakRss: '1GB' },
  },
  { name: 'deployed, a query of its own', service: { url: 'http://127.0.0.1:8080' }, evidence: { prometheus: { url: 'http://127.0.0.1:9090', query: 'process_open_fds{job="x"}', limit: '1024' } }, step },
];

function problemsOf(value: unknown) {
  const r = validateScenario(value);
  if (r.ok) throw new Error('expected the scenario to be rejected');
  return r.problems;
}

describe('scenario validation', () => {
  it.each(valid.map((s) => [s.name, s] as const))('accepts %s', (_name, s) => {
    expect(validateScenario(s)).toEqual({ ok: true, scenario: s });
  });

  it('names an unknown key with its path', () => {
    expect(problemsOf({ name: 'x', step, budget: {} })).toEqual([{ field: 'budget', message: 'unknown key' }]);
    expect(problemsOf({ name: 'x', step, budgets: { rssGrowht: '1MB' } })).toEqual([{ field: 'budgets.rssGrowht', message: 'unknown key' }]);
  });

  it('rejects a bad budget string, saying what it expected', () => {
    const [p] = problemsOf({ name: 'x', step, budgets: { rssGrowth: '50 MiBs' } });
    expect(p?.field).toBe('budgets.rssGrowth');
    expect(p?.message).toMatch(/expected a size such as '50MB'.*got '50 MiBs'/);
  });

  it('rejects a missing step and wrong types', () => {
    expect(problemsOf({ name: 'x' })).toEqual([{ field: 'step', message: 'expected a function' }]);
    const fields = problemsOf({ name: 'x', step, iterations: '50', service: { command: 'python3 x.py', ready: { http: '/h' } } }).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(['iterations', 'service.command']));
  });

  it('rejects contradictory combinations', () => {
    const fields = (v: object) => problemsOf({ name: 'x', step, ...v }).map((p) => p.field);
    expect(fields({ service: { command: ['a'], ready: { tcp: true } }, module: { path: 'a.py' } })).toEqual(['module']);
    expect(fields({ iterations: 3, duration: '1h' })).toEqual(['duration']);
    expect(fields({ load: { requests: [{ path: '/' }], phases: [{ duration: '1m' }] } })).toEqual(['load']);
    // phases that do not fit the soak: the load would be cut short
    const service = { command: ['a'], ready: { tcp: true } };
    const long = problemsOf({ name: 'x', step, service, duration: '1m', load: { requests: [{ path: '/' }], phases: [{ duration: '30s', rate: 5 }, { duration: '45s', rate: 5 }] } });
    expect(long).toEqual([{ field: 'load.phases', message: 'the phases last 1m15s, longer than the 1m0s duration: the load would be cut short; shorten the phases or lengthen the duration' }]);
    expect(validateScenario({ name: 'x', step, service, duration: '1m', load: { requests: [{ path: '/' }], ok: ['2xx', 404], phases: [{ duration: '1m', rate: 5 }] } }).ok).toBe(true);
    expect(fields({ service, duration: '1m', load: { requests: [{ path: '/' }], ok: ['2XX'], phases: [{ duration: '1m', rate: 5 }] } })).toEqual(['load.ok.0']);
    expect(fields({ module: { path: 'a.rb' } })).toEqual(['module.path']);
    expect(fields({ service: { command: ['a'], ready: { http: 'healthz' } } })).toEqual(['service.ready.http']);
  });

  it('rejects a deployed service without Prometheus evidence, evidence without one, and what a deployed service cannot have', () => {
    const fields = (v: object) => problemsOf({ name: 'x', step, ...v }).map((p) => `${p.field}: ${p.message}`);
    const prometheus = { url: 'http://127.0.0.1:9090', selector: 'job="x"' };
    expect(fields({ service: { url: 'http://127.0.0.1:8080' } })).toEqual([expect.stringMatching(/^evidence: a deployed service \(service: \{ url \} with no command\) is seen only through Prometheus: add evidence/)]);
    expect(fields({ service: { command: ['a'], ready: { tcp: true } }, evidence: { prometheus } })).toEqual([expect.stringMatching(/^evidence: evidence.prometheus observes a deployed service/)]);
    expect(fields({ service: { url: 'http://127.0.0.1:8080', restart: true }, evidence: { prometheus }, memoryLimit: '1GB' }).map((f) => f.split(':')[0])).toEqual(['service.restart', 'memoryLimit']);
    expect(fields({ service: { url: 'http://127.0.0.1:8080' }, evidence: { prometheus: { ...prometheus, query: 'up', limit: '5 parsecs' } } }).map((f) => f.split(':')[0])).toEqual(['evidence.prometheus.query', 'evidence.prometheus.limit']);
    expect(fields({ service: { url: 'http://127.0.0.1:8080' }, evidence: { prometheus: { url: 'prometheus:9090' } } })).toEqual([expect.stringMatching(/^evidence.prometheus.url: expected an http:\/\/ URL/)]);
  });

  it('rejects an attached service that is half started, has no url, or names its pid twice', () => {
    const problems = (service: object, more: object = {}) => problemsOf({ name: 'x', step, service, ...more });
    const url = 'http://127.0.0.1:8080';
    expect(problems({ attach: { pid: 1 }, url, command: ['x'] })).toEqual([{ field: 'service.command', message: 'an attached service is not started by seep: give attach or command, not both' }]);
    expect(problems({ attach: { pid: 1 } }).map((p) => p.field)).toEqual(['service.url']);
    expect(problems({ attach: { pid: 1 }, url: 'https://x' })[0]?.message).toMatch(/expected an http:\/\/ URL/);
    expect(problems({ attach: { pid: 1, pidFile: '/run/x.pid' }, url }).map((p) => p.field)).toEqual(['service.attach']);
    expect(problems({ attach: {}, url }).map((p) => p.field)).toEqual(['service.attach']);
    expect(problems({ attach: { pid: -3 }, url }).map((p) => p.field)).toEqual(['service.attach.pid']);
    expect(problems({ attach: { pid: 1 }, url, ready: { stdout: 'up' } }).map((p) => p.field)).toEqual(['service.ready']);
    expect(problems({ attach: { pid: 1 }, url }, { memoryLimit: '1GB' }).map((p) => p.field)).toEqual(['memoryLimit']);
    expect(problems({ command: ['x'], ready: { tcp: true }, url }).map((p) => p.field)).toEqual(['service.url']);
    expect(problems({ ready: { tcp: true } }).map((p) => p.field)).toEqual(['service.command']);
  });

  it('rejects a default export that is not an object', () => {
    expect(problemsOf(null)).toEqual([{ field: '(default export)', message: 'expected a scenario object, got null' }]);
  });
});

describe('loading scenario files', () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  async function write(name: string, text: string) {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seep-load-'));
    dirs.push(dir);
    const file = path.join(dir, name);
    await writeFile(file, text);
    return { dir, file };
  }

  it('loads a plain object with no imports', async () => {
    const { dir, file } = await write('a.scenario.mjs', "export default { name: 'plain', iterations: 2, step: () => {} };");
    const loaded = await loadScenarioFile(file, dir);
    expect(loaded.file).toBe('a.scenario.mjs');
    expect(loaded.scenario.name).toBe('plain');
  });

  it('reports the file and field of a bad scenario', async () => {
    const { dir, file } = await write('bad.scenario.mjs', "export default { name: 'bad', step: () => {}, budgets: { rssGrowth: '50 MiBs' } };");
    const err = await loadScenarioFile(file, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioFileError);
    expect((err as Error).message).toMatch(/^bad\.scenario\.mjs: budgets\.rssGrowth: expected a size/);
  });

  it('reports a file that does not load', async () => {
    const { dir, file } = await write('broken.scenario.mjs', 'export default {');
    await expect(loadScenarioFile(file, dir)).rejects.toThrow(/broken\.scenario\.mjs: could not be loaded/);
  });
});

describe('one definition of a scenario', () => {
  // compile-time: tsc fails here when types.ts and the zod schema name different keys (a field added
  // to one and not the other); the run-time assertion only keeps vitest counting the test
  type Schema = z.input<typeof scenarioSchema>;
  type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
  const keys: Same<keyof Scenario, keyof Schema> = true;
  const budgetKeys: Same<keyof NonNullable<Scenario['budgets']>, keyof NonNullable<Schema['budgets']>> = true;
  // both kinds of service (started, attached) are one object in the schema
  const serviceKeys: Same<keyof ServiceSpec | keyof AttachedServiceSpec, keyof NonNullable<Schema['service']>> = true;
  type KeysOf<U> = U extends unknown ? keyof U : never;
  const attachKeys: Same<KeysOf<AttachedServiceSpec['attach']>, keyof NonNullable<NonNullable<Schema['service']>['attach']>> = true;
  const loadKeys: Same<keyof NonNullable<Scenario['load']>, keyof NonNullable<Schema['load']>> = true;
  // and every authored scenario is a valid input of the schema
  const authored: Schema = {} as Omit<Scenario, 'step' | 'setup' | 'teardown'> & Pick<Schema, 'step'>;
  it('types.ts and the schema have the same keys', () => {
    expect([keys, budgetKeys, serviceKeys, attachKeys, loadKeys, authored !== undefined]).toEqual([true, true, true, true, true, true]);
  });
});
