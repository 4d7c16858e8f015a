import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProcFileCache } from './procFileCache.ts';
import { listTree, listTreeSync } from './processTree.ts';
import { killTree } from './killTree.ts';
import { newCookie } from './runCookie.ts';
import { startTestTarget, type TestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';

/** this process's descriptors open on that file */
const openOn = (file: string): number => readdirSync('/proc/self/fd').filter((fd) => {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === file;
  } catch {
    return false; // closed since the listing
  }
}).length;
const cookie = newCookie();
const WAIT = { timeout: 30_000, interval: 10 };
let target: TestTarget | null = null;
afterEach(async () => {
  if (target) await killTree([target.pid], cookie, { graceMs: 1000 });
  target = null;
});

describe('createProcFileCache', () => {
  it('answers a fresh read through the kept descriptor, and null once the process has exited', async () => {
    const files = createProcFileCache();
    const child = spawn('sleep', ['30']);
    const pid = child.pid!;
    const stat = `/proc/${pid}/stat`;
    // until it has exec'd sleep (the pid's /proc entry is the same before and after the exec)
    await vi.waitUntil(() => new RegExp(`^${pid} \\(sleep\\) S `).test(files.read(stat) ?? ''), WAIT);
    expect(openOn(stat)).toBe(1);
    child.kill('SIGSTOP');
    // the same descriptor, read again at offset 0: the kernel writes the state as it is now (a stale
    // read would say S for ever)
    await vi.waitUntil(() => new RegExp(`^${pid} \\(sleep\\) T `).test(files.read(stat) ?? ''), WAIT);
    expect(openOn(stat)).toBe(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await vi.waitUntil(() => files.read(stat) === null, WAIT); // reaped by Node
    expect(openOn(stat)).toBe(0);
    files.close();
  });

  it('closes what was not read since the last sweep, and everything on close', () => {
    const files = createProcFileCache();
    const stat = `/proc/${process.pid}/stat`;
    files.read(stat);
    files.read('/proc/uptime');
    files.sweep();
    expect([openOn(stat), openOn('/proc/uptime')]).toEqual([1, 1]);
    files.read('/proc/uptime');
    files.sweep(); // the stat file was not read since the last sweep
    expect([openOn(stat), openOn('/proc/uptime')]).toEqual([0, 1]);
    files.close();
    expect(openOn('/proc/uptime')).toBe(0);
  });

  it('gives listTree the same tree as plain reads', async () => {
    target = await startTestTarget('treeTarget.py', ['0', '3'], cookie);
    const files = createProcFileCache();
    const plain = await listTree([target.pid]);
    const cached = listTreeSync([target.pid], '/proc', files);
    const again = listTreeSync([target.pid], '/proc', files);
    expect(plain.map((p) => p.pid)).toHaveLength(4);
    expect(cached.map((p) => [p.pid, p.isRoot])).toEqual(plain.map((p) => [p.pid, p.isRoot]));
    expect(again.map((p) => p.pid)).toEqual(plain.map((p) => p.pid));
    files.close();
  });
});
