// `seep init` through the real CLI: what it explains, refuses and writes. initRuns.test.ts runs what it writes.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { seepInit } from '../../fixtures/testing/seepInit.ts';
import { parseSimpleYaml, type YamlValue } from '../../fixtures/testing/simpleYaml.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

const root = tempDir('seep-init-');
let n = 0;

/** A fresh project folder: package.json (with a lockfile) or, for a Python repo, only .git. */
async function project(kind: 'node' | 'python'): Promise<string> {
  const dir = path.join(root, `p${n++}`);
  await mkdir(dir, { recursive: true });
  if (kind === 'node') {
    await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', devDependencies: { seep: '^0.1.0' } }));
    await writeFile(path.join(dir, 'package-lock.json'), '{}');
  } else {
    await mkdir(path.join(dir, '.git'));
    await writeFile(path.join(dir, 'requirements.txt'), '');
  }
  return dir;
}

const exists = (file: string) => stat(file).then(() => true, () => false);
const lines = (text: string) => text.trim().split('\n');

describe('seep init', () => {
  it('alone explains the three kinds with an example each (exit 0: it is the documented way to see them)', async () => {
    const r = await seepInit([], root);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seep init service -- gunicorn -w 2 -b 127.0.0.1:{port} app:app');
    expect(r.stdout).toContain('seep init function path/to/jobs.py:run_crew');
    expect(r.stdout).toContain('seep init cli -- python3 tool.py analyze BTCUSD');
    expect((await seepInit(['--help'], root)).code).toBe(0);
  });

  it.each([
    [['daemon', '--', 'x'], "seep init: unknown kind 'daemon'; expected service, function or cli"],
    [['service'], "seep init: expected the service's command after '--'"],
    [['function', 'jobs.py'], "seep init: expected 'path/to/module.py:function_name', got 'jobs.py'"],
    [['function', 'missing.py:run'], 'seep init: missing.py: no such file'],
  ])('rejects %j with one line and where the usage is, exit 2, writing nothing', async (args, message) => {
    const dir = await project('node');
    const r = await seepInit(args, dir);
    expect(r.code).toBe(2);
    expect(lines(r.stderr)).toEqual([expect.stringContaining(message), "see 'seep init --help'"]);
    expect(await exists(path.join(dir, 'scenarios'))).toBe(false);
  });

  it('writes scenarios/<slug>.scenario.mjs at the project root, from a subfolder too', async () => {
    const dir = await project('node');
    await mkdir(path.join(dir, 'tools'));
    const r = await seepInit(['cli', '--', 'python3', 'tool.py', 'analyze', 'BTCUSD'], path.join(dir, 'tools'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('wrote ../scenarios/tool.scenario.mjs');
    const text = await readFile(path.join(dir, 'scenarios/tool.scenario.mjs'), 'utf8');
    expect(text).toContain("exec(['python3', 'tool.py', 'analyze', 'BTCUSD'], { okCodes: [0], cwd: 'tools' })");
    expect(text).toContain('npx seep run scenarios/tool.scenario.mjs');
  });

  it('warns, and still writes, when the function name does not appear in the module', async () => {
    const dir = await project('python');
    await writeFile(path.join(dir, 'jobs.py'), 'def run_crew():\n    return 1\n');
    const found = await seepInit(['function', 'jobs.py:run_crew'], dir);
    expect(found).toMatchObject({ code: 0, stderr: '' });
    const missing = await seepInit(['function', 'jobs.py:run_crow', '--name', 'Crow job'], dir);
    expect(missing.code).toBe(0);
    expect(missing.stderr).toContain("warning: 'run_crow' does not appear in jobs.py");
    expect(await exists(path.join(dir, 'scenarios/crow-job.scenario.mjs'))).toBe(true);
  });

  it("says so, and writes the command unchanged, when a service has no '{port}'", async () => {
    const dir = await project('python');
    const r = await seepInit(['service', '--ready-http', '/healthz', '--', 'python3', 'app.py'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("warning: the command has no '{port}'");
    const text = await readFile(path.join(dir, 'scenarios/app.scenario.mjs'), 'utf8');
    expect(text).toContain("command: ['python3', 'app.py'],");
    expect(text).toContain("NOTE: this command has no '{port}'");
    expect(text).toContain("ready: { http: '/healthz' },");
  });

  it('never overwrites: an existing scenario or workflow means nothing is written, exit 2', async () => {
    const dir = await project('node');
    const args = ['cli', '--out', 'leak.scenario.mjs', '--', 'node', '-e', '0'];
    expect((await seepInit(args, dir)).code).toBe(0);
    const file = path.join(dir, 'leak.scenario.mjs');
    await writeFile(file, '// mine\n');
    const again = await seepInit(args, dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('leak.scenario.mjs already exists; nothing written');
    expect(await readFile(file, 'utf8')).toBe('// mine\n');

    // the workflow is there but the scenario is not: neither is written
    const workflow = path.join(dir, '.github/workflows/seep.yml');
    await mkdir(path.dirname(workflow), { recursive: true });
    await writeFile(workflow, 'mine: true\n');
    const withCi = await seepInit(['cli', '--ci', 'github', '--out', 'other.scenario.mjs', '--', 'node', '-e', '0'], dir);
    expect(withCi.code).toBe(2);
    expect(withCi.stderr).toContain(path.join('.github', 'workflows', 'seep.yml'));
    expect(await exists(path.join(dir, 'other.scenario.mjs'))).toBe(false);
    expect(await readFile(workflow, 'utf8')).toBe('mine: true\n');
  });

  it('--ci github: a Node project installs with npm ci and runs its own seep', async () => {
    const dir = await project('node');
    expect((await seepInit(['service', '--ci', 'github', '--', 'node', 'server.mjs', '{port}'], dir)).code).toBe(0);
    const wf = await workflow(dir);
    const steps = wf.jobs.leaks.steps;
    expect(wf.name).toBe('seep');
    expect(Object.keys(wf.on)).toEqual(['push', 'pull_request']);
    expect(wf.jobs.leaks['runs-on']).toBe('ubuntu-latest');
    expect(steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'npm ci',
      'npx --no-install seep run scenarios --junit reports/junit.xml --markdown reports/summary.md',
      'actions/upload-artifact@v4',
    ]);
    expect(steps[1]!.with).toEqual({ 'node-version': '20', cache: 'npm' });
    expect(steps[4]).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
  });

  it('--ci github: a Python repo without package.json sets up Python 3.11 and installs the seep it packed beside it, pinned by sha512', async () => {
    const dir = await project('python');
    expect((await seepInit(['cli', '--ci', 'github', '--', 'python3', 'tool.py'], dir)).code).toBe(0);
    const steps = (await workflow(dir)).jobs.leaks.steps;
    const [tarball] = await readdir(path.join(dir, '.seep'));
    expect(tarball).toMatch(/^seep-\d+\.\d+\.\d+\.tgz$/);
    const sha512 = createHash('sha512').update(await readFile(path.join(dir, '.seep', tarball!))).digest('hex');
    expect(steps.map((s) => s.uses ?? s.run)).toEqual([
      'actions/checkout@v4',
      'actions/setup-node@v4',
      'actions/setup-python@v5',
      'pip install -r requirements.txt',
      `echo "${sha512}  .seep/${tarball}" | sha512sum --check --strict`,
      `npm install --global --prefix .seep/install --no-audit --no-fund ./.seep/${tarball}`,
      '.seep/install/bin/seep run scenarios --junit reports/junit.xml --markdown reports/summary.md',
      'actions/upload-artifact@v4',
    ]);
    expect(steps[2]!.with).toEqual({ 'python-version': '3.11' });
  });

  it('--ci github: a package below the repository root gets the workflow at the root, run in its folder', async () => {
    const repo = await project('python');
    const pkg = path.join(repo, 'pkg');
    await mkdir(pkg);
    await writeFile(path.join(pkg, 'package.json'), '{}');
    expect((await seepInit(['cli', '--ci', 'github', '--', 'node', 'cli.mjs'], pkg)).code).toBe(0);
    const leaks = (await workflow(repo)).jobs.leaks as { defaults?: YamlValue; steps: Step[] };
    expect(leaks.defaults).toEqual({ run: { 'working-directory': 'pkg' } });
    expect(leaks.steps.map((s) => s.uses ?? s.run)).toContain('npm install');
    // its package.json does not list seep: the tarball is in the package's folder, where the job runs
    expect(leaks.steps.map((s) => s.run)).toContain('.seep/install/bin/seep run scenarios --junit reports/junit.xml --markdown reports/summary.md');
    expect(await exists(path.join(pkg, '.seep'))).toBe(true);
    expect(leaks.steps.at(-1)!.with).toMatchObject({ path: 'pkg/reports/' });
    expect(await exists(path.join(pkg, 'scenarios/cli.scenario.mjs'))).toBe(true);
  });
});

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
}

async function workflow(dir: string): Promise<{ name: string; on: Record<string, YamlValue>; jobs: { leaks: { 'runs-on': string; steps: Step[] } } }> {
  return parseSimpleYaml(await readFile(path.join(dir, '.github/workflows/seep.yml'), 'utf8')) as never;
}
