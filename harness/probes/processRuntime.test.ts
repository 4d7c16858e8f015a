// The runtime of a process read from /proc, on real processes: what seep's agent can reach and why
// it cannot, whatever command started it.
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { processRuntime, pythonSwitchesBlocking } from './processRuntime.ts';

const MARKS = { pythonPath: '/opt/seep/agents/python', nodeRequire: '/opt/seep/agents/node/seepAgent.cjs' };
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

/** a process that waits for stdin to close, started with exactly this env */
function idle(argv: string[], env: Record<string, string>): Promise<number> {
  const c = spawn(argv[0]!, argv.slice(1), { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(c);
  // once it has printed, the exec is done and /proc shows the runtime, not the parent's copy
  return new Promise((resolve, reject) => {
    c.stdout!.once('data', () => resolve(c.pid!));
    c.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code} before it printed`)));
  });
}

const PY_WAIT = ['-c', 'import sys; print("up", flush=True); sys.stdin.read()'];

describe('python switches that keep the agent out', () => {
  it.each([
    [['python3', '-I', 'app.py'], /-I \(isolated mode\)/],
    [['python3', '-sE', 'app.py'], /-E ignores PYTHONPATH/],
    [['python3', '-W', 'error', '-S', 'app.py'], /-S skips the site module/],
    [['python3', '-Xdev', '-I', 'app.py'], /-I/],
  ])('%j: blocked', (argv, why) => {
    expect(pythonSwitchesBlocking(argv)).toMatch(why);
  });

  it.each([
    [['python3', 'app.py', '-I']],
    [['python3', '-m', 'gunicorn', '-I']],
    [['python3', '-c', 'print(1)', '-S']],
    [['python3', '-u', '-W', 'ignore', 'app.py']],
    [['/usr/bin/gunicorn', '-w', '2', 'app:app']],
  ])('%j: not blocked', (argv) => {
    expect(pythonSwitchesBlocking(argv)).toBeUndefined();
  });
});

describe('processRuntime', () => {
  it('names a python interpreter that can load the agent, however it was started', async () => {
    const pid = await idle(['/usr/bin/python3', ...PY_WAIT], { PYTHONPATH: `${MARKS.pythonPath}:/app` });
    expect(processRuntime(pid, MARKS)).toEqual({ runtime: 'python', exe: expect.stringMatching(/^python3/) });
  });

  it('says why python -I, or one whose environment lost PYTHONPATH, cannot', async () => {
    const isolated = await idle(['/usr/bin/python3', '-I', ...PY_WAIT], { PYTHONPATH: MARKS.pythonPath });
    expect(processRuntime(isolated, MARKS)?.blocked).toMatch(/python -I \(isolated mode\) ignores PYTHONPATH/);
    const cleared = await idle(['/usr/bin/python3', ...PY_WAIT], {});
    expect(processRuntime(cleared, MARKS)?.blocked).toMatch(/no PYTHONPATH with seep's agent/);
  });

  it('names node, and no runtime for a shell', async () => {
    const node = await idle([process.execPath, '-e', 'console.log("up"); process.stdin.resume()'], { NODE_OPTIONS: '--max-old-space-size=200' });
    expect(processRuntime(node, MARKS)).toMatchObject({ runtime: 'node', blocked: expect.stringMatching(/no NODE_OPTIONS with seep's agent/) });
    // (what the check looks for in NODE_OPTIONS: the agent's file, here a flag the test can pass)
    expect(processRuntime(node, { ...MARKS, nodeRequire: '--max-old-space-size=200' })).toEqual({ runtime: 'node', exe: expect.stringMatching(/^node/) });
    const sh = await idle(['/bin/sh', '-c', 'echo up; cat'], {});
    expect(processRuntime(sh, MARKS)).toMatchObject({ runtime: null });
    expect(processRuntime(2 ** 22 + 1, MARKS)).toBeNull();
  });
});
