import { tempDir } from '../../fixtures/testing/tempDir.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExecError, execCommand } from './exec.ts';

const env: Record<string, string> = { ...(process.env as Record<string, string>), SEEP_RUN_COOKIE: 'cookie-exec-test' };
let chunks: string[] = [];
const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer) => chunks.push(`${stream}:${chunk.toString()}`);
const base = { repoRoot: os.tmpdir(), env, onOutput };
/** pids a test must kill if an assertion fails before it does */
const strays: number[] = [];

afterEach(() => {
  chunks = [];
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
});

/** running, not a zombie: a killed grandchild may wait a while for a reaper that is not us */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('execCommand', () => {
  it('collects output, forwards it, feeds stdin and passes the env', async () => {
    const result = await execCommand(
      ['python3', '-c', 'import os,sys; print(sys.stdin.read().upper()); print(os.environ["SEEP_RUN_COOKIE"], os.environ["PYTHONWARNINGS"], file=sys.stderr)'],
      { ...base, input: 'hello' },
    );
    expect(result).toMatchObject({ code: 0, signal: null, stdout: 'HELLO\n', stderr: 'cookie-exec-test default\n' });
    expect(result.durationMs).toBeGreaterThan(0);
    expect(chunks.join('')).toContain('stdout:HELLO');
  });

  it('rejects a non-zero exit with the code and the stderr tail, unless okCodes allows it', async () => {
    const argv = ['sh', '-c', 'echo "disk full: cannot write .history" >&2; exit 3'];
    const err = await execCommand(argv, base).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    expect((err as ExecError).message).toMatch(/exited with code 3.*\n.*disk full: cannot write \.history[\s\S]*expected 0/);
    expect((err as ExecError).result?.code).toBe(3);
    await expect(execCommand(argv, { ...base, okCodes: [0, 3] })).resolves.toMatchObject({ code: 3 });
  });

  it('kills the whole process group on timeout and says so', async () => {
    const pidFile = path.join(tempDir('seep-exec-'), 'child.pid');
    const err = await execCommand(['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], { ...base, timeoutMs: 300 }).catch((e: unknown) => e);
    const child = Number(fs.readFileSync(pidFile, 'utf8'));
    strays.push(child);
    expect((err as Error).message).toMatch(/was killed by SIGKILL while running: timed out after 300 ms/);
    // the group got SIGKILL: the grandchild is gone as soon as the kernel has reaped it
    await vi.waitUntil(() => !alive(child), { timeout: 30_000, interval: 20 });
  });

  it('leaves escaped descendants alone once the command exited, and does not wait for their pipes', async () => {
    const result = await execCommand(['sh', '-c', 'sleep 30 & echo $!'], base);
    const orphan = Number(result.stdout.trim());
    strays.push(orphan);
    expect(orphan).toBeGreaterThan(0);
    expect(alive(orphan)).toBe(true);
  });

  it('names a command that does not exist', async () => {
    await expect(execCommand(['seep-no-such-cli', '--help'], base)).rejects.toThrow("command not found: 'seep-no-such-cli'");
  });

  it('rejects when aborted, killing the command', async () => {
    const ac = new AbortController();
    const pending = execCommand(['sleep', '30'], { ...base, signal: ac.signal });
    setTimeout(() => ac.abort(new Error('scenario stopped')), 100);
    await expect(pending).rejects.toThrow('scenario stopped');
  });

  it('resolves cwd against the repo root', async () => {
    const root = tempDir('seep-exec-root-');
    fs.mkdirSync(path.join(root, 'sub'));
    const result = await execCommand(['pwd'], { ...base, repoRoot: root, cwd: 'sub' });
    expect(result.stdout.trim()).toBe(fs.realpathSync(path.join(root, 'sub')));
    await expect(execCommand(['pwd'], { ...base, repoRoot: root, cwd: 'missing' })).rejects.toThrow(/working directory .*missing does not exist/);
  });
});
