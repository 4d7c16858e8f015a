// What `seep init` writes really runs: a service, a function and a CLI in a fresh project each,
// initialised and then run through the real CLI as a user would, exit 0 and a report written.
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { failedCheckIds, REPO_ROOT, runSeep } from '../../fixtures/testing/runSeep.ts';
import { seepInit } from '../../fixtures/testing/seepInit.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

// a bounded server: 127.0.0.1 only, on the port seep passes, gone when seep stops it (a new user's app)
const SERVER_PY = readFileSync(path.join(REPO_ROOT, 'fixtures/newcomer/app.py'), 'utf8');

const JOBS_PY = `def run_crew():
    return sum(len(str(i)) for i in range(1000))
`;

const TOOL_PY = `import sys
print("analyzed", sys.argv[2])
`;

async function project(files: Record<string, string>): Promise<string> {
  const dir = tempDir('seep-init-run-');
  await writeFile(path.join(dir, 'package.json'), '{}');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

async function initAndRun(dir: string, initArgs: string[], scenario: string, initCwd = dir) {
  const init = await seepInit(initArgs, initCwd);
  expect(init, init.stderr).toMatchObject({ code: 0 });
  const run = await runSeep(['run', scenario, '--iterations', '8', '--warmup', '2'], { cwd: dir, timeoutMs: 90_000 });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  const report = await run.report();
  expect(report?.scenarios).toHaveLength(1);
  expect(report?.scenarios[0]).toMatchObject({ file: scenario, verdict: 'pass' });
  return report!.scenarios[0]!;
}

describe('a scenario seep init wrote runs', () => {
  it('a service: a python3 http.server on {port}, ready by TCP, GET / each step', async () => {
    const dir = await project({ 'server.py': SERVER_PY });
    const s = await initAndRun(dir, ['service', '--', 'python3', 'server.py', '--port', '{port}'], 'scenarios/server.scenario.mjs');
    expect(s.name).toBe('server: GET /');
  });

  it('a function of a Python module', async () => {
    const dir = await project({ 'jobs/jobs.py': JOBS_PY });
    const s = await initAndRun(dir, ['function', 'jobs/jobs.py:run_crew'], 'scenarios/jobs-run-crew.scenario.mjs');
    expect(s.name).toBe('jobs.run_crew()');
  });

  it('a CLI, initialised from a subfolder its command is relative to', async () => {
    const dir = await project({ 'tools/tool.py': TOOL_PY });
    const s = await initAndRun(dir, ['cli', '--', 'python3', 'tool.py', 'analyze', 'BTCUSD'], 'scenarios/tool.scenario.mjs', path.join(dir, 'tools'));
    expect(s.name).toBe('cli: python3 tool.py analyze BTCUSD');
  });

  it("fails as its comment says once the example peakRss: '1MB' budget is put in", async () => {
    const dir = await project({ 'jobs.py': JOBS_PY });
    expect((await seepInit(['function', 'jobs.py:run_crew'], dir)).code).toBe(0);
    const file = path.join(dir, 'scenarios/jobs-run-crew.scenario.mjs');
    const text = await readFile(file, 'utf8');
    expect(text).toContain("uncomment `budgets` below with `peakRss: '1MB'`");
    await writeFile(file, text.replace('  // budgets: {', "  budgets: { peakRss: '1MB' },\n  // budgets: {"));
    const run = await runSeep(['run', 'scenarios/jobs-run-crew.scenario.mjs', '--iterations', '8', '--warmup', '2'], { cwd: dir, timeoutMs: 90_000 });
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(1);
    expect(failedCheckIds((await run.report())!)).toEqual(['budget.peakRss']);
  });
});
