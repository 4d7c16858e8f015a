// Stopping a service as its manager would, on real processes: the root gets SIGTERM alone and stops
// its workers itself; what it leaves in its group is ended after it; a root that ignores SIGTERM is
// killed after its grace.
import { describe, expect, it, vi } from 'vitest';
import { spawnTarget } from './spawnTarget.ts';
import { groupMembers } from '../probes/procfs.ts';

const WAIT = { timeout: 30_000, interval: 20 };

const PY = '/usr/bin/python3';

// a master that forks a worker; on SIGTERM it stops the worker itself (as gunicorn's arbiter does)
// unless ORPHAN is set, when it exits and leaves the worker behind. The worker prints who signalled
// it (the sender's pid, from sigwaitinfo) before it exits.
const MASTER = `
import os, signal, sys
worker = os.fork()
if worker == 0:
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM])
    print("worker", os.getpid(), flush=True)
    info = signal.sigwaitinfo([signal.SIGTERM])
    print("worker got SIGTERM from", info.si_pid, flush=True)
    os._exit(0)
def stop(*_):
    if os.environ.get("ORPHAN"):
        os._exit(0)
    os.kill(worker, signal.SIGTERM)
    os.waitpid(worker, 0)
    # os.write, not print: the handler can run inside the main thread's print of "master <pid>" (its
    # flush still holds stdout's lock after the bytes reach the pipe), and print would then raise
    # "reentrant call inside <_io.BufferedWriter name='<stdout>'>" (seen in CI)
    os.write(1, b"master stopped its worker\\n")
    os._exit(0)
signal.signal(signal.SIGTERM, stop)
if os.environ.get("STUBBORN"):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("master", os.getpid(), flush=True)
signal.pause()
`;

async function start(env: Record<string, string> = {}) {
  let out = '';
  let resolveReady!: () => void;
  const ready = new Promise<void>((r) => (resolveReady = r));
  const target = await spawnTarget([PY, '-c', MASTER], {
    cwd: process.cwd(),
    env: { PATH: process.env.PATH ?? '', ...env },
    onOutput: (_s, chunk) => {
      out += chunk.toString();
      if (/^master \d+$/m.test(out) && /^worker \d+$/m.test(out)) resolveReady();
    },
  });
  await ready;
  return { target, output: () => out };
}

describe('stopping a service as its manager would', () => {
  it('signals the root alone, and the root stops its worker', async () => {
    const { target, output } = await start();
    expect(await target.stop(5000)).toBe(false);
    await target.exited;
    expect(output()).toMatch(/master stopped its worker/);
    // the worker's SIGTERM came from its master, not from seep
    expect(output()).toContain(`worker got SIGTERM from ${target.pid}`);
    expect(groupMembers(target.pid)).toEqual([]);
  });

  it('ends what the root left in its group once it is gone', async () => {
    const { target, output } = await start({ ORPHAN: '1' });
    expect(await target.stop(5000)).toBe(false);
    // its last line may still be in the pipe: wait for it
    await vi.waitUntil(() => /worker got SIGTERM/.test(output()), WAIT);
    expect(output()).toMatch(new RegExp(`worker got SIGTERM from ${process.pid}\\b`));
    await vi.waitUntil(() => groupMembers(target.pid).length === 0, WAIT);
  });

  it('kills a root that ignores SIGTERM after its grace, and its group with it', async () => {
    const { target } = await start({ STUBBORN: '1' });
    expect(await target.stop(300)).toBe(true);
    expect(target.exitStatus()?.signal).toBe('SIGKILL');
    await vi.waitUntil(() => groupMembers(target.pid).length === 0, WAIT);
  });
});
