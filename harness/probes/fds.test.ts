import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSync, closeSync } from 'node:fs';
import { readFds } from './fds.ts';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
});
afterEach(() => fake.remove());

describe('readFds', () => {
  it('classifies link targets and keeps socket inodes and file paths', async () => {
    fake.link('10/fd/0', '/dev/null');
    fake.link('10/fd/1', 'pipe:[100]');
    fake.link('10/fd/3', 'socket:[5001]');
    fake.link('10/fd/4', 'socket:[5002]');
    fake.link('10/fd/5', '/tmp/history.log (deleted)');
    fake.link('10/fd/6', 'anon_inode:[eventfd]');
    const r = await readFds(10, fake.root);
    if (!r.ok) throw new Error(r.error);
    expect(r.counts).toEqual({ file: 2, socket: 2, pipe: 1, other: 1 });
    expect(r.socketInodes.sort()).toEqual([5001, 5002]);
    expect(r.files.sort()).toEqual(['/dev/null', '/tmp/history.log (deleted)']);
  });

  it('returns an unreadable fd directory as an error, not as zero fds', async () => {
    const missing = await readFds(10, fake.root);
    expect(missing).toEqual({ ok: false, code: 'ENOENT', error: `cannot read ${fake.root}/10/fd: ENOENT` });
    fake.file('11/fd', 'not a directory');
    const notDir = await readFds(11, fake.root);
    expect(notDir.ok).toBe(false);
    expect(!notDir.ok && notDir.code).toBe('ENOTDIR');
  });

  it('sees a file this process opens and closes', async () => {
    const before = await readFds(process.pid);
    if (!before.ok) throw new Error(before.error);
    const fd = openSync(fake.root + '/marker', 'w');
    try {
      const during = await readFds(process.pid);
      if (!during.ok) throw new Error(during.error);
      expect(during.files).toContain(fake.root + '/marker');
      expect(during.counts.file).toBe(before.counts.file + 1);
    } finally {
      closeSync(fd);
    }
  });
});
