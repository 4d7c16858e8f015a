// The cookie scan a sampler makes at every boundary, on a fake /proc: environs are read once per process.
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { COOKIE_ENV, createCookieScan } from './runCookie.ts';

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
  fake.file('sys/kernel/pid_max', '32768\n');
});
afterEach(() => fake.remove());

const env = (pairs: string[]) => pairs.join('\0') + '\0';
const forks = (n: number) => fake.file('stat', `cpu  1 2 3\nprocesses ${n}\nprocs_running 1\n`);

describe('createCookieScan', () => {
  it('finds the processes carrying the cookie, a new one at the next scan, and forgets one gone', () => {
    forks(1000);
    fake.file('10/environ', env(['PATH=/bin', `${COOKIE_ENV}=c1`]));
    fake.file('11/environ', env([`${COOKIE_ENV}=c1-other`])); // another run's cookie that starts the same
    const scan = createCookieScan('c1', fake.root);
    expect(scan.scan()).toEqual([10]);
    forks(1010);
    fake.file('12/environ', env([`X=1`, `${COOKIE_ENV}=c1`]));
    expect(scan.scan().sort()).toEqual([10, 12]);
    rmSync(path.join(fake.root, '10'), { recursive: true });
    expect(scan.scan()).toEqual([12]);
  });

  it('reads a listed pid again once the kernel may have handed it out again (as many forks as pids since)', () => {
    forks(1000);
    fake.file('20/environ', env(['PATH=/bin']));
    const scan = createCookieScan('c1', fake.root);
    expect(scan.scan()).toEqual([]);
    // pid 20 exits and a process of ours gets the pid: a new /proc/20 directory, a new inode
    // (made beside the old one before it goes, so that the file system cannot give it the same inode)
    fake.file('20.new/environ', env([`${COOKIE_ENV}=c1`]));
    rmSync(path.join(fake.root, '20'), { recursive: true });
    renameSync(path.join(fake.root, '20.new'), path.join(fake.root, '20'));
    forks(1005);
    expect(scan.scan()).toEqual([]); // too few processes created since for the pid to have come round
    forks(1005 + 32768);
    expect(scan.scan()).toEqual([20]);
  });
});
