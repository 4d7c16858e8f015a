// seep as a user gets it: `npm pack`, the tarball installed into an ES module project, a CommonJS
// project (`npm init -y`'s "type": "commonjs") and a Python repository with no package.json (a
// global install), `seep init` for a service, a function and a CLI there, and the scenarios run
// through the installed command. Reports land in the project; nothing is written inside seep.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/tempDir.ts';
import { REPO_ROOT, runSeep } from './runSeep.ts';

const run = promisify(execFile);
const NEWCOMER = path.join(REPO_ROOT, 'fixtures/newcomer');
const work = tempDir('seep-pack-');
let tarball = '';

beforeAll(async () => {
  // the build is vitest's globalSetup's (dist/ is in use by other test files: no rebuild here)
  const { stdout } = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: REPO_ROOT });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, packed!.filename);
  // product code only: no tests, test targets, bench or eval in the package
  expect(packed!.files.map((f) => f.path).filter((f) => /\.test\.|testdata|testTargets|bench|eval|e2e|fixtures/.test(f))).toEqual([]);
}, 120_000);

const npmInstall = (args: string[], cwd: string) => run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...args], { cwd, timeout: 120_000 });

/** every file under dir with its size and mtime, to see that a run wrote nothing there */
async function fileStamps(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
  return Promise.all(files.sort().map(async (f) => `${f} ${(await stat(f)).size} ${(await stat(f)).mtimeMs}`));
}

interface Project {
  kind: string;
  setUp(dir: string): Promise<{ seep: string; installed: string }>;
}

const PROJECTS: Project[] = [
  {
    kind: 'an ES module project',
    async setUp(dir) {
      await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'esm-app', version: '1.0.0', type: 'module' }));
      await npmInstall(['--save-dev', tarball], dir);
      return { seep: path.join(dir, 'node_modules/.bin/seep'), installed: path.join(dir, 'node_modules/seep') };
    },
  },
  {
    kind: 'a CommonJS project',
    async setUp(dir) {
      await run('npm', ['init', '-y'], { cwd: dir });
      await npmInstall(['--save-dev', tarball], dir);
      return { seep: path.join(dir, 'node_modules/.bin/seep'), installed: path.join(dir, 'node_modules/seep') };
    },
  },
  {
    kind: 'a Python repository with no package.json, seep installed globally',
    async setUp(dir) {
      await run('git', ['init', '-q', dir]);
      const prefix = path.join(dir, '..', `${path.basename(dir)}-global`);
      await npmInstall(['--global', '--prefix', prefix, tarball], dir);
      return { seep: path.join(prefix, 'bin/seep'), installed: path.join(prefix, 'lib/node_modules/seep') };
    },
  },
];

describe.each(PROJECTS)('installed from the tarball into $kind', (project) => {
  it('seep init writes runnable scenarios; seep run gives the expected verdicts with reports in the project', async () => {
    const dir = path.join(work, project.kind.split(' ')[1]!);
    await mkdir(dir, { recursive: true });
    const { seep, installed } = await project.setUp(dir);
    for (const f of ['app.py', 'jobs.py', 'tool.py']) await cp(path.join(NEWCOMER, f), path.join(dir, f));
    const before = await fileStamps(installed);

    const counts = ['--iterations', '12', '--warmup', '2'];
    const inits = [
      ['init', 'service', '--name', 'service', '--ready-http', '/', ...counts, '--', 'python3', 'app.py', '--port', '{port}'],
      ['init', 'function', 'jobs.py:export_report', '--name', 'leaky function', ...counts],
      ['init', 'function', 'jobs.py:export_report_fixed', '--name', 'fixed function', ...counts],
      ['init', 'cli', '--name', 'tool', ...counts, '--', 'python3', 'tool.py', 'analyze', 'BTCUSD'],
    ];
    for (const args of inits) {
      const r = await runSeep(args, { seep, cwd: dir, reportDir: null, timeoutMs: 30_000 });
      expect(r.code, `${args.join(' ')}\n${r.stdout}${r.stderr}`).toBe(0);
    }
    await cp(path.join(NEWCOMER, 'typed.scenario.ts'), path.join(dir, 'scenarios/typed.scenario.ts'));

    const r = await runSeep(['run'], { seep, cwd: dir, reportDir: null, timeoutMs: 240_000 });
    const report = await r.report();
    expect(report, r.stdout + r.stderr).not.toBeNull();
    const verdicts = Object.fromEntries(report!.scenarios.map((s) => [s.name, s.verdict]));
    expect(verdicts, r.stdout + r.stderr).toEqual({
      service: 'pass',
      'leaky function': 'fail',
      'fixed function': 'pass',
      tool: 'pass',
      'typed: the tool, 10 runs': 'pass',
    });
    const leaky = report!.scenarios.find((s) => s.name === 'leaky function')!;
    expect(leaky.checks.filter((c) => !c.pass).map((c) => c.id)).toContain('leak.rss');
    expect(r.code).toBe(1);
    expect(r.reportDir).toBe(path.join(dir, 'reports'));
    expect(await fileStamps(installed)).toEqual(before);
  }, 400_000);
});
