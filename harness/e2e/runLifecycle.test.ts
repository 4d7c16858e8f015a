// How a run ends when things go wrong: a bad scenario file, a target that crashes, a step that
// throws, Ctrl-C in the middle. Each gets exit 2 (or its verdict), a report, and no process left.
import { tempDir } from '../testing/tempDir.ts';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { processesWithRunCookie, runSeep } from './runSeep.ts';

let dir: string;
const scenario = (name: string) => path.join(dir, `${name}.scenario.mjs`);

beforeAll(async () => {
  dir = tempDir('seep-lifecycle-');
  const files: Record<string, string> = {
    // a typo'd budget key and a malformed size: both named, nothing started
    bad: `export default { name: 'bad', iterations: 3, step: () => {}, budgets: { rssGrowth: '50 MiBs', socket: 'baseline' } };`,
    good: `export default { name: 'good', iterations: 3, step: ({ exec }) => exec(['true']) };`,
    crash: `export default {
      name: 'crash', warmup: 0, iterations: 20,
      service: { command: ['python3', '-c', 'import http.server,sys,threading,os,time\\nsrv=http.server.ThreadingHTTPServer(("127.0.0.1",int(sys.argv[1])),http.server.SimpleHTTPRequestHandler)\\nthreading.Timer(1.5,lambda: os._exit(7)).start()\\nsrv.serve_forever()', '{port}'], ready: { http: '/' } },
      step: async ({ http }) => { await http.get('/'); await new Promise((r) => setTimeout(r, 200)); },
    };`,
    throws: `export default { name: 'throws', warmup: 0, iterations: 5, module: { path: 'fixtures/crew/crew.py' },
      step: ({ call, iteration }) => iteration === 2 ? call('no_such_function') : call('run_crew', ['x']) };`,
    long: `export default {
      name: 'long', warmup: 1, iterations: 10000,
      service: { command: ['python3', 'fixtures/export-service/server.py', '--port', '{port}'], ready: { http: '/healthz' } },
      step: async ({ http, exec }) => { await http.get('/healthz'); await exec(['python3', 'fixtures/escaper/escaper.py'], { env: { VARIANT: 'leaky' } }); },
    };`,
  };
  for (const [name, text] of Object.entries(files)) await writeFile(scenario(name), text);
});


describe('a run that cannot go ahead', () => {
  it('rejects a bad scenario file before starting anything: exit 2, file and fields named', async () => {
    const run = await runSeep(['run', scenario('good'), scenario('bad')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/bad\.scenario\.mjs: budgets\.rssGrowth: expected a size such as '50MB'.*got '50 MiBs'/);
    expect(run.stderr).toMatch(/budgets\.socket: unknown key/);
    const report = (await run.report())!;
    expect(report.exitCode).toBe(2);
    // the good scenario did not run: validation comes first
    expect(report.scenarios.map((s) => [s.name.replace(/.*\//, ''), s.verdict])).toEqual([['bad.scenario.mjs', 'error']]);
  });

  it('in a folder with no scenarios, says where it looked and how to write one', async () => {
    const empty = tempDir('seep-empty-');
    const missing = await runSeep(['run'], { cwd: empty });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`looked for ${path.join(empty, 'scenarios')}`);
    expect(missing.stderr).toMatch(/npx seep init/);
    const none = await runSeep(['run', '.'], { cwd: empty });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(`no scenario files (*.scenario.ts, .mts, .mjs, .js or .cjs) under ${empty}`);
  });

  it('names the file and the cause of a scenario that fails to load, in one line, with the fix', async () => {
    await writeFile(scenario('imports'), `import { nothing } from 'no-such-package';\nexport default { name: 'imports', step: () => nothing };`);
    const run = await runSeep(['run', scenario('imports')]);
    expect(run.code).toBe(2);
    const line = run.stderr.split('\n').find((l) => l.includes('imports.scenario.mjs'));
    expect(line).toMatch(/^seep: .*imports\.scenario\.mjs: could not be loaded: Cannot find package 'no-such-package'/);
    // a scenario importing 'seep' in a project without it resolves to the running seep instead
    await writeFile(scenario('seepimport'), `import { defineScenario } from 'seep';\nexport default defineScenario({ name: 'seepimport', warmup: 0, iterations: 3, step: ({ exec }) => exec(['true']) });`);
    const own = await runSeep(['run', scenario('seepimport')], { cwd: tempDir('seep-noproject-') });
    expect(own.code, own.stderr).toBe(0);
  });

  it('reports a target that dies mid-run as an error with its exit status', async () => {
    const run = await runSeep(['run', scenario('crash')]);
    expect(run.code).toBe(2);
    const s = (await run.report())!.scenarios[0]!;
    expect(s.verdict).toBe('error');
    expect(s.error).toMatch(/exited.*(code 7|7)/);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });

  it('reports a step that throws, with the target error, and stops the worker', async () => {
    const run = await runSeep(['run', scenario('throws')]);
    expect(run.code).toBe(2);
    const s = (await run.report())!.scenarios[0]!;
    expect(s.error).toMatch(/iteration 3 of 5.*no_such_function/s);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });

  it('bad command-line input is exit 2 with usage', async () => {
    const run = await runSeep(['run', '--iterations', 'lots']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--iterations: expected a whole number/);
  });
});

describe('Ctrl-C in the middle of a run', () => {
  it('stops the service and every escaped daemon, and still writes the report', async () => {
    let seepPid = 0;
    const running = runSeep(['run', scenario('long')], { onSpawn: (pid) => (seepPid = pid), timeoutMs: 60_000 });
    // wait until the service and escaped daemons are alive: with two escaper processes at least one
    // is a daemon (the other may be an invocation still running)
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const procs = await processesWithRunCookie(seepPid);
      if (procs.filter((p) => p.cmd.includes('escaper')).length >= 2 && procs.some((p) => p.cmd.includes('server.py'))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await processesWithRunCookie(seepPid)).length).toBeGreaterThan(1);
    process.kill(seepPid, 'SIGINT');
    const run = await running;
    expect(run.signal).toBeNull();
    expect(await processesWithRunCookie(seepPid)).toEqual([]);
    const s = (await run.report())!.scenarios[0]!;
    expect(s.probeErrors?.join(' ')).toMatch(/interrupted/);
    expect(s.checks.find((c) => c.resource === 'orphans')?.pass).toBe(false);
  });
});

describe('runSeep, the e2e tests\' own launcher', () => {
  it('SIGKILLs a seep that runs past its time limit, and then everything seep started', async () => {
    const run = await runSeep(['run', scenario('long')], { timeoutMs: 5000 });
    expect(run.signal).toBe('SIGKILL');
    expect(run.stderr).toContain('[runSeep: seep was killed after 5000 ms]');
    // seep could not stop its service and daemons, nor remove the service agent's socket: runSeep did
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
    expect(readdirSync(os.tmpdir()).filter((n) => n.endsWith(`.${run.pid}.sock`))).toEqual([]);
  });
});
