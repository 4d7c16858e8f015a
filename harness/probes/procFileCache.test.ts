import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
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
    await new Promise((r) => setTimeout(r, 100)); // exec'd
    expect(files.read(stat)).toMatch(new RegExp(`^${pid} \\(sleep\\) S `));
    expect(openOn(stat)).toBe(1);
    child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 100));
    // the same descriptor, read again at offset 0: the kernel writes the state as it is now
    expect(files.read(stat)).toMatch(new RegExp(`^${pid} \\(sleep\\) T `));
    expect(openOn(stat)).toBe(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    await new Promise((r) => setTimeout(r, 50)); // reaped by Node
    expect(files.read(stat)).toBeNull();
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
