import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createWrittenFilesReader, writableFromFdinfo } from './writtenFiles.ts';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
});
afterEach(() => fake.remove());

const fdinfo = (flags: string) => `pos:\t0\nflags:\t${flags}\nmnt_id:\t29\nino:\t123\n`;

describe('writableFromFdinfo', () => {
  it('reads the access mode from the octal flags', () => {
    expect(writableFromFdinfo(fdinfo('0100000'))).toBe(false); // O_RDONLY|O_LARGEFILE
    expect(writableFromFdinfo(fdinfo('02102001'))).toBe(true); // O_WRONLY|O_APPEND|O_CLOEXEC
    expect(writableFromFdinfo(fdinfo('0100002'))).toBe(true); // O_RDWR
    expect(writableFromFdinfo('pos:\t0\n')).toBeNull();
  });
});

describe('createWrittenFilesReader', () => {
  it('keeps the regular files opened for writing, once each, and skips what is not disk', () => {
    const dir = tempDir('seep-written-');
    const log = path.join(dir, 'app.log');
    const data = path.join(dir, 'data.bin');
    writeFileSync(log, 'x'.repeat(100));
    writeFileSync(data, 'y'.repeat(10));
    fake.link('10/fd/3', log);
    fake.file('10/fdinfo/3', fdinfo('02102001'));
    fake.link('10/fd/4', data);
    fake.file('10/fdinfo/4', fdinfo('0100000')); // read only
    fake.link('10/fd/5', '/dev/null');
    fake.file('10/fdinfo/5', fdinfo('0100002'));
    fake.link('11/fd/7', log); // the same log open in a worker
    fake.file('11/fdinfo/7', fdinfo('02102001'));
    const r = createWrittenFilesReader(fake.root).read([10, 11, 12]);
    expect(r.errors).toEqual([]);
    expect(r.files.map((f) => [path.basename(f.path), f.bytes])).toEqual([['app.log', 100]]);
  });

  it('reads the flags once per open file, and again when the fd is another file', () => {
    const dir = tempDir('seep-written-');
    const a = path.join(dir, 'a');
    const b = path.join(dir, 'b');
    writeFileSync(a, 'a');
    writeFileSync(b, 'bb');
    fake.link('10/fd/3', a);
    fake.file('10/fdinfo/3', fdinfo('01'));
    const reader = createWrittenFilesReader(fake.root);
    expect(reader.read([10]).files.map((f) => f.bytes)).toEqual([1]);
    writeFileSync(a, 'aaaa');
    // a changed fdinfo is not read again for the same file: the access mode of an open file never changes
    fake.file('10/fdinfo/3', fdinfo('00'));
    expect(reader.read([10]).files.map((f) => f.bytes)).toEqual([4]);
    fake.remove();
    fake = createFakeProc();
    const reader2 = createWrittenFilesReader(fake.root);
    fake.link('10/fd/3', b);
    fake.file('10/fdinfo/3', fdinfo('00'));
    expect(reader2.read([10]).files).toEqual([]);
  });

  it('sees a file this process holds open for writing grow, and not one it reads', () => {
    const dir = tempDir('seep-written-');
    const w = openSync(path.join(dir, 'grows.log'), 'a');
    writeFileSync(path.join(dir, 'read.txt'), 'r');
    const r = openSync(path.join(dir, 'read.txt'), 'r');
    try {
      const reader = createWrittenFilesReader();
      const mine = () => reader.read([process.pid]).files.filter((f) => f.path.startsWith(dir));
      expect(mine().map((f) => [path.basename(f.path), f.bytes])).toEqual([['grows.log', 0]]);
      writeSync(w, 'x'.repeat(4096));
      expect(mine().map((f) => f.bytes)).toEqual([4096]);
    } finally {
      closeSync(w);
      closeSync(r);
    }
  });
});
