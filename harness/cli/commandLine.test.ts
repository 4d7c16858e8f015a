// The seep command's words through the real CLI: every command has --help (exit 0, its own usage),
// a usage error is one line and where the usage is (exit 2, never the whole help), and the exit
// codes the help lists include 130 for Ctrl-C.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../fixtures/testing/runSeep.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

const SEEP = path.join(REPO_ROOT, 'dist/cli/seep.js');
const cwd = tempDir('seep-cli-words-');

function seep(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [SEEP, ...args], { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr });
    });
  });
}

describe('seep <command> --help', () => {
  it.each(['run', 'report', 'compare', 'merge', 'judge', 'accept', 'bisect'])('seep %s --help prints its usage alone, exit 0', async (command) => {
    const r = await seep([command, '--help']);
    expect(r, r.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(new RegExp(`^usage:\\n {2}seep ${command} `));
    // only this command's section
    for (const other of ['run', 'report', 'compare', 'merge', 'judge', 'accept', 'bisect'].filter((c) => c !== command)) expect(r.stdout).not.toMatch(new RegExp(`^ {2}seep ${other} `, 'm'));
    expect(r.stdout).toContain('130 stopped by Ctrl-C');
  });

  it('seep judge --help and seep caller --help say their commands', async () => {
    expect((await seep(['judge', '--help'])).stdout).toMatch(/^usage:\n {2}seep judge --prometheus <url>/);
    expect((await seep(['caller', '--help'])).stdout).toMatch(/^usage:\n {2}seep caller --fd <N>/);
  });

  it('seep init --help and seep init alone explain the three kinds, exit 0', async () => {
    for (const args of [['init', '--help'], ['init']]) {
      const r = await seep(args);
      expect(r, args.join(' ')).toMatchObject({ code: 0, stderr: '' });
      for (const kind of ['service', 'function', 'cli']) expect(r.stdout).toMatch(new RegExp(`^ {2}${kind} `, 'm'));
    }
  });

  it("seep pytest --help says what the command is, then pytest's own help with the plugin's option", async () => {
    const r = await seep(['pytest', '--help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^usage:\n {2}seep pytest /);
    expect(r.stdout).toContain('--seep-report');
  });

  it('seep --help lists every command and the exit codes', async () => {
    const r = await seep(['--help']);
    expect(r.code).toBe(0);
    for (const command of ['run', 'init', 'report', 'compare', 'merge', 'judge', 'accept', 'bisect', 'pytest', 'caller']) expect(r.stdout).toMatch(new RegExp(`^ {2}seep ${command} `, 'm'));
    expect(r.stdout).toContain('130 stopped by Ctrl-C (143 by SIGTERM');
  });
});

describe('a usage error', () => {
  it.each([
    [['run', '--iterations', 'abc'], "seep: --iterations: expected a whole number of at least 1, got 'abc'", 'run'],
    [['run', '--no-such-flag'], "seep: Unknown option '--no-such-flag'", 'run'],
    [['compare', 'only-one'], 'seep: seep compare takes two runs', 'compare'],
    [['report'], 'seep: seep report takes exactly one run directory', 'report'],
    [['merge', 'a'], 'seep: seep merge: --into <dir>', 'merge'],
    [['judge', '--prometheus', 'http://127.0.0.1:9090'], "seep: seep judge --prometheus needs --query '<PromQL>' or --metric", 'judge'],
    [['judge', 'observations.json'], "seep: seep judge judges series from Prometheus: give --prometheus <url>, not 'observations.json'", 'judge'],
    [['caller'], 'seep: seep caller needs --fd', 'caller'],
    [['accept'], 'seep: seep accept takes one run: seep accept <run-dir>', 'accept'],
    [['bisect', 'only-one'], 'seep: seep bisect takes two commits', 'bisect'],
  ])('%j is one line and where the usage is, exit 2', async (args, message, command) => {
    const r = await seep(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain(message);
    expect(lines[1]).toBe(`see 'seep ${command} --help'`);
  });

  it('an unknown command points at seep --help', async () => {
    const r = await seep(['fly']);
    expect(r).toMatchObject({ code: 2, stdout: '', stderr: "seep: unknown command 'fly'\nsee 'seep --help'\n" });
  });

  it("seep init's usage errors point at seep init --help", async () => {
    const r = await seep(['init', 'daemon', '--', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("seep init: unknown kind 'daemon'; expected service, function or cli\nsee 'seep init --help'\n");
  });
});
