import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { groupMembers, parseStat, parseStatBytes, readCmdline, readHostConstants, readPss, readStatSync } from './procfs.ts';
import { listTree } from './processTree.ts';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
});
afterEach(() => fake.remove());

describe('readStatSync', () => {
  it('parses a comm holding spaces and parentheses, and the CPU of reaped children apart from its own', () => {
    fake.stat(42, { comm: '(a b) c)', state: 'R', ppid: 7, pgrp: 40, utime: 30, stime: 12, cutime: 5, cstime: 2, threads: 5, starttime: 777, rssPages: 250 });
    expect(readStatSync(42, fake.root)).toEqual({
      pid: 42, ppid: 7, pgrp: 40, comm: '(a b) c)', state: 'R', cpuTicks: 42, reapedTicks: 7, starttime: 777, numThreads: 5, rssPages: 250,
    });
  });

  it('returns null for a pid that is gone', () => {
    expect(readStatSync(99, fake.root)).toBeNull();
  });

  it('parses a line in place from a reused buffer, ignoring the older bytes past its length', () => {
    const line = '42 ((a b) c)) R 7 40 0 0 -1 4194560 0 0 0 0 30 12 5 2 20 0 5 0 777 1000 250 18446744073709551615\n';
    const buf = Buffer.alloc(512, 'X 123) 9 9 9');
    const n = buf.write(line, 'latin1');
    expect(parseStatBytes(buf, n)).toEqual({
      pid: 42, ppid: 7, pgrp: 40, comm: '(a b) c)', state: 'R', cpuTicks: 42, reapedTicks: 7, starttime: 777, numThreads: 5, rssPages: 250,
    });
    // cut before field 24: the stale bytes after it must not complete the line
    expect(() => parseStatBytes(buf, line.indexOf(' 250'))).toThrow(/malformed.*field 24/);
  });

  it('rejects a malformed line rather than returning garbage', () => {
    expect(() => parseStat('42 python3 S 1')).toThrow(/malformed/);
  });

  it('reads the real stat of this process', () => {
    const me = readStatSync(process.pid);
    expect(me?.pid).toBe(process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.numThreads).toBeGreaterThan(0);
    // rss pages x page size agrees with VmRSS from status (both in the same moment, roughly)
    const vmRss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1]) * 1024;
    expect(vmRss).toBeGreaterThan(0);
    const fromStat = me!.rssPages * readHostConstants().pageSize;
    expect(Math.abs(fromStat - vmRss) / vmRss).toBeLessThan(0.2);
  });
});

describe('other readers', () => {
  it('lists the living members of a process group, zombies left out', () => {
    fake.stat(40, { ppid: 1, pgrp: 40, state: 'Z' }); // the dead leader, not yet reaped
    fake.stat(41, { ppid: 1, pgrp: 40 }); // its worker, orphaned
    fake.stat(42, { ppid: 41, pgrp: 40, state: 'R' });
    fake.stat(43, { ppid: 1, pgrp: 43 });
    expect(groupMembers(40, fake.root).map((p) => p.pid).sort()).toEqual([41, 42]);
    expect(groupMembers(44, fake.root)).toEqual([]);
  });

  it('splits the NUL-separated command line', async () => {
    fake.file('5/cmdline', 'python3\0-c\0print("a b")\0');
    expect(await readCmdline(5, fake.root)).toEqual(['python3', '-c', 'print("a b")']);
    expect(await readCmdline(6, fake.root)).toBeNull();
  });

  it('reads Pss from smaps_rollup in bytes and reports an unreadable file', async () => {
    fake.file('5/smaps_rollup', '00400000-7ffd [rollup]\nRss:    2048 kB\nPss:    1000 kB\nPss_Anon:   10 kB\n');
    expect(await readPss(5, fake.root)).toBe(1000 * 1024);
    fake.file('6/smaps_rollup/x', ''); // a directory: EISDIR
    const errors: string[] = [];
    expect(await readPss(6, fake.root, (m) => errors.push(m))).toBeNull();
    expect(errors).toEqual([`cannot read ${fake.root}/6/smaps_rollup: EISDIR`]);
    expect(await readPss(7, fake.root, (m) => errors.push(m))).toBeNull(); // gone: not an error
    expect(errors).toHaveLength(1);
  });
});

describe('listTree on a fake /proc', () => {
  it('walks descendants by ppid when there are no children files', async () => {
    fake.stat(1, { ppid: 0 });
    fake.stat(10, { ppid: 1 }); // root
    fake.stat(11, { ppid: 10 });
    fake.stat(12, { ppid: 10 });
    fake.stat(13, { ppid: 12 });
    fake.stat(20, { ppid: 1 }); // a stranger
    const tree = await listTree([10], fake.root);
    expect(tree.map((p) => [p.pid, p.isRoot])).toEqual([[10, true], [11, false], [12, false], [13, false]]);
  });

  it('follows every thread\'s children file and skips a listed child that vanished or was reused', async () => {
    fake.stat(10, { ppid: 1, threads: 2 });
    fake.file('10/task/10/children', '11 ');
    fake.file('10/task/15/children', '12 14 16 '); // a second thread forked 12; 14 has vanished
    fake.stat(11, { ppid: 10 });
    fake.file('11/task/11/children', '');
    fake.stat(12, { ppid: 10 });
    fake.file('12/task/12/children', '13 ');
    fake.stat(13, { ppid: 12 });
    fake.file('13/task/13/children', '');
    fake.stat(16, { ppid: 99 }); // pid reused by a process outside the tree
    const tree = await listTree([10], fake.root);
    expect(tree.map((p) => p.pid)).toEqual([10, 11, 12, 13]);
  });

  it('skips a root that is gone', async () => {
    fake.stat(10, { ppid: 1 });
    expect((await listTree([9, 10], fake.root)).map((p) => p.pid)).toEqual([10]);
  });
});
