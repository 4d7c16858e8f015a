// The fd table on a real process (the kernel's count) and on a fake /proc (no count: every read lists).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { createFdTable, type TreeFds } from './fdTable.ts';
import { killTree } from './killTree.ts';
import { readStatSync } from './procfs.ts';
import { newCookie } from './runCookie.ts';
import { startTestTarget, targetCommands } from '../../fixtures/probe-targets/startTestTarget.ts';
const notGone = () => false;

function ok(r: ReturnType<ReturnType<typeof createFdTable>['read']>): TreeFds {
  if (!r.ok) throw new Error(r.error);
  return r.fds;
}

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
});
afterEach(() => fake.remove());

/** a python3 process that opens and closes fds when told (fixtures/probe-targets/fdTarget.py) */
async function fdTarget() {
  const cookie = newCookie();
  const t = await startTestTarget('fdTarget.py', [], cookie);
  targets.push({ pid: t.pid, cookie });
  return { procs: [{ pid: t.pid, starttime: readStatSync(t.pid)!.starttime }], ask: targetCommands(t) };
}

const targets: { pid: number; cookie: string }[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await killTree([t.pid], t.cookie, { graceMs: 500 });
});

describe('fd table on a real process', () => {
  it('reads no link while the kernel\'s count holds, and only the new one when it moves', async () => {
    const { procs, ask } = await fdTarget();
    const table = createFdTable({ procRoot: '/proc' });
    const first = ok(table.read(procs, true, notGone));
    const start = table.work();
    const same = ok(table.read(procs, false, notGone));
    expect(table.work()).toEqual(start); // no listing, no link
    expect(same.version).toBe(first.version);
    const fd = Number(await ask(`open ${fake.root}/marker`));
    const opened = ok(table.read(procs, false, notGone));
    expect(table.work()).toEqual({ listings: start.listings + 1, links: start.links + 1 });
    expect(opened.counts.file).toBe(first.counts.file + 1);
    expect(opened.open).toBe(first.open + 1);
    expect(opened.version).toBe(first.version + 1);
    expect(opened.byPid.get(procs[0]!.pid)!.entries.get(fd)).toMatchObject({ target: `${fake.root}/marker`, kind: 'file', inode: 0 });
    await ask(`close ${fd}`);
    const closed = ok(table.read(procs, false, notGone));
    expect(closed.counts.file).toBe(first.counts.file);
    expect(table.work().links).toBe(start.links + 1); // a closed number costs no link
  });

  it('sees at a boundary an fd number reused for a socket, the count unchanged', async () => {
    const { procs, ask } = await fdTarget();
    const table = createFdTable({ procRoot: '/proc' });
    const fd = Number(await ask(`open ${fake.root}/marker`));
    const before = ok(table.read(procs, true, notGone));
    await ask(`close ${fd}`);
    expect(Number(await ask('listen'))).toBe(fd); // the lowest free number: the file's
    const timed = ok(table.read(procs, false, notGone));
    expect(timed.counts).toEqual(before.counts); // the count held: a timed read lists nothing
    const boundary = ok(table.read(procs, true, notGone));
    expect(boundary.open).toBe(before.open);
    expect(boundary.counts.file).toBe(before.counts.file - 1);
    expect(boundary.counts.socket).toBe(before.counts.socket + 1);
    const entry = boundary.byPid.get(procs[0]!.pid)!.entries.get(fd)!;
    expect(entry.kind).toBe('socket');
    expect(boundary.socketInodes().get(procs[0]!.pid)).toContain(entry.inode);
    expect(boundary.version).toBe(before.version + 1);
  });

  it('starts afresh for a reused pid (another start time), and forgets a process that left the tree', async () => {
    const { procs } = await fdTarget();
    const table = createFdTable({ procRoot: '/proc' });
    const v1 = ok(table.read(procs, false, notGone)).version;
    const reused = ok(table.read([{ pid: procs[0]!.pid, starttime: procs[0]!.starttime + 1 }], false, notGone));
    expect(reused.version).toBe(v1 + 1);
    const none = ok(table.read([], false, notGone));
    expect(none.byPid.size).toBe(0);
    expect(none.open).toBe(0);
  });
});

describe('fd table on a fake /proc (no kernel count: every read lists)', () => {
  it('classifies links, and sees a link replaced at a boundary', () => {
    fake.link('10/fd/0', '/dev/null');
    fake.link('10/fd/3', 'socket:[5001]');
    fake.link('10/fd/4', 'pipe:[7]');
    const table = createFdTable({ procRoot: fake.root });
    const procs = [{ pid: 10, starttime: 1 }];
    const first = ok(table.read(procs, true, notGone));
    expect(first.counts).toEqual({ file: 1, socket: 1, pipe: 1, other: 0 });
    expect(first.socketInodes()).toEqual(new Map([[10, [5001]]]));
    // the same number, another socket: a timed read's listing keeps the link it knows...
    rmSync(path.join(fake.root, '10/fd/3'));
    fake.link('10/fd/3', 'socket:[5002]');
    expect(ok(table.read(procs, false, notGone)).socketInodes()).toEqual(new Map([[10, [5001]]]));
    // ...a boundary reads it again
    const boundary = ok(table.read(procs, true, notGone));
    expect(boundary.socketInodes()).toEqual(new Map([[10, [5002]]]));
    expect(boundary.version).toBe(first.version + 1);
  });

  it('reports an unreadable fd directory as a failure naming it, unless the process is gone', () => {
    const table = createFdTable({ procRoot: fake.root });
    const procs = [{ pid: 11, starttime: 1 }];
    expect(table.read(procs, false, () => false)).toEqual({ ok: false, pid: 11, error: `cannot read ${fake.root}/11/fd: ENOENT` });
    const gone = table.read(procs, false, () => true);
    expect(gone.ok && gone.fds.byPid.size).toBe(0);
  });
});
