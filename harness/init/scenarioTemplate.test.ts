// Every shape `seep init` renders must load through seep's own loader and validation, with user
// text (quotes, newlines, comment ends) arriving exactly as given.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../scenario/loadScenario.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import type { InitTarget } from './initArgs.ts';
import { renderScenario } from './scenarioTemplate.ts';

const dir = tempDir('seep-template-');
let n = 0;

async function load(target: InitTarget, extra: { name?: string; runFrom?: string } = {}) {
  const text = renderScenario({ target, name: extra.name ?? 'a scenario', iterations: 7, warmup: 2, runFrom: extra.runFrom, scenarioPath: 'scenarios/x.scenario.mjs' });
  const file = path.join(dir, `t${n++}.scenario.mjs`);
  await writeFile(file, text);
  return { text, scenario: (await loadScenarioFile(file, dir)).scenario };
}

describe('renderScenario', () => {
  it('a service: the command as argv, tcp readiness by default, budgets only as comments', async () => {
    const command = ['gunicorn', '-w', '2', '-b', '127.0.0.1:{port}', 'app:app'];
    const { text, scenario } = await load({ kind: 'service', command, ready: { tcp: true }, path: '/' });
    expect(scenario).toMatchObject({ name: 'a scenario', service: { command, ready: { tcp: true } }, warmup: 2, iterations: 7 });
    expect(scenario.budgets).toBeUndefined();
    expect(text).toMatch(/^\/\*\* @type \{import\('seep'\)\.Scenario\} \*\/\nexport default \{$/m);
    expect(text).not.toMatch(/^import /m);
    expect(text).toContain("//   ready: { http: '/healthz' },");
    expect(text).toContain("//   peakRss: '1GB',");
    expect(text).not.toContain('NOTE: this command has no');
  });

  it("a service without '{port}' gets the NOTE on how to pass it, and its command unchanged", async () => {
    const { text, scenario } = await load({ kind: 'service', command: ['python3', 'app.py'], ready: { http: '/healthz' }, path: '/api/x' }, { runFrom: 'svc' });
    expect(text).toContain("NOTE: this command has no '{port}'");
    expect(scenario.service).toEqual({ command: ['python3', 'app.py'], ready: { http: '/healthz' }, cwd: 'svc' });
  });

  it('a service ready on a printed line', async () => {
    const { scenario } = await load({ kind: 'service', command: ['node', 's.mjs', '{port}'], ready: { stdout: "it's up" }, path: '/' });
    expect(scenario.service?.ready).toEqual({ stdout: "it's up" });
  });

  it('a function: the module path and a call with no arguments', async () => {
    const { scenario } = await load({ kind: 'function', modulePath: 'jobs/jobs.py', fn: 'run_crew' });
    expect(scenario.module).toEqual({ path: 'jobs/jobs.py' });
    const calls: unknown[] = [];
    await scenario.step({ call: async (...a: unknown[]) => calls.push(a) } as never);
    expect(calls).toEqual([['run_crew', []]]);
  });

  it('a CLI: exec of the argv, from the folder init ran in', async () => {
    const command = ['python3', 'tool.py', 'analyze', 'BTCUSD'];
    const { scenario } = await load({ kind: 'cli', command }, { runFrom: 'tools' });
    expect(scenario.service).toBeUndefined();
    expect(scenario.module).toBeUndefined();
    const calls: unknown[] = [];
    await scenario.step({ exec: async (...a: unknown[]) => calls.push(a) } as never);
    expect(calls).toEqual([[command, { okCodes: [0], cwd: 'tools' }]]);
  });

  it('user text that could end a string or a comment arrives exactly as given', async () => {
    const tricky = ["it's", 'a "quoted" */ arg', 'line\nbreak', 'back\\slash', '${not.a.template}', '\u2028'];
    const { scenario } = await load({ kind: 'cli', command: ['echo', ...tricky] }, { name: "name */ with 'quotes'\n" });
    expect(scenario.name).toBe("name */ with 'quotes'\n");
    const calls: unknown[][] = [];
    await scenario.step({ exec: async (...a: unknown[]) => calls.push(a) } as never);
    expect(calls[0]![0]).toEqual(['echo', ...tricky]);
  });
});
