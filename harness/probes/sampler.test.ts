// Real processes: python3 targets from fixtures/probe-targets/, sampled through the real /proc.
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sample } from '../report/sampleSchema.ts';
import { killTree } from './killTree.ts';
import { isRunning, readStatSync, readHostConstants } from './procfs.ts';
import { newCookie } from './runCookie.ts';
import { createSampler } from './sampler.ts';
import { createFakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { startTestTarget, targetCommands } from '../../fixtures/probe-targets/startTestTarget.ts';

const cookies: string[] = [];
const roots: number[] = [];
afterEach(async () => {
  for (const cookie of cookies.splice(0)) await killTree(roots, cookie, { graceMs: 500 });
  roots.length = 0;
});

async function start(script: string, args: string[] = []) {
  const cookie = newCookie();
  cookies.push(cookie);
  const target = await startTestTarget(script, args, cookie);
  roots.push(target.pid);
  return { ...target, cookie };
}

describe('createSampler on real processes', () => {
  it('reads the tcp tables at boundaries and when the socket inodes change, not on every timed read', async () => {
    const target = await start('fdTarget.py');
    const ask = targetCommands(target);
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie, tcpTableShare: Infinity });
    try {
      const base = await sampler.read('measured', 0, 0);
      expect(sampler.tcpTableReads()).toBe(1);
      const same = await sampler.read('measured', null, 1);
      expect(sampler.tcpTableReads()).toBe(1);
      expect([same.values.sockets, same.tcp]).toEqual([base.values.sockets, base.tcp]);
      await ask('listen'); // a new socket inode
      const opened = await sampler.read('measured', null, 2);
      expect(sampler.tcpTableReads()).toBe(2);
      expect(opened.values.sockets).toBe(base.values.sockets! + 1);
      expect(opened.tcp.LISTEN).toBe((base.tcp.LISTEN ?? 0) + 1);
      await sampler.read('measured', null, 3);
      expect(sampler.tcpTableReads()).toBe(2);
      await sampler.read('measured', 1, 4);
      expect(sampler.tcpTableReads()).toBe(3);
    } finally {
      await sampler.stopTimer();
    }
  });

  it('sees a state change at a boundary when the socket inodes stay the same (a peer outside the tree closed)', async () => {
    const server = createServer({ allowHalfOpen: true }); // keeps its end open when the peer's closes
    const accepted = new Promise<void>((resolve) => server.once('connection', () => resolve()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // The peer leaves the tree (this process's), so that only this process's end of the connection is
    // sampled: it double-forks, says its pid, and closes its stdout, a socketpair end of this process.
    const script = `import os,socket,time\nif os.fork(): os._exit(0)\ns=socket.create_connection(("127.0.0.1",${port}))\nprint(os.getpid(),flush=True)\nos.close(1)\ntime.sleep(60)`;
    const child = spawn('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += String(d); });
    await new Promise((resolve) => child.stdout!.on('close', resolve));
    const peer = Number(out.trim());
    // ssAboveMs 0: the second boundary asks ss, however cheap this host's table
    const sampler = createSampler({ rootPids: () => [process.pid], cookie: newCookie(), ssAboveMs: 0 });
    try {
      await accepted;
      const open = await sampler.read('measured', 0, 0);
      process.kill(peer, 'SIGKILL'); // its socket closes: this process's end goes to CLOSE_WAIT, its inode the same
      await vi.waitUntil(() => !isRunning(peer), { timeout: 30_000, interval: 20 });
      const closed = await sampler.read('measured', 1, 1);
      expect(closed.tcp.CLOSE_WAIT ?? 0).toBe((open.tcp.CLOSE_WAIT ?? 0) + 1);
      expect(sampler.tcpTableReads()).toBe(2);
      expect(sampler.errors()).toEqual([]);
    } finally {
      if (isRunning(peer)) process.kill(peer, 'SIGKILL');
      server.close();
      await sampler.stopTimer();
    }
  });

  it('sees state changes of a tree holding many connections at a boundary, asking only for the sockets not established', async () => {
    // 100 connections from the tree to this process: the port filter would match them all, so the
    // boundary asks the kernel for the sockets in any other state (the sock_diag helper, or ss)
    const ends: Socket[] = [];
    const server = createServer((s) => ends.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const target = await start('clientTarget.py', [String(port), '100']);
    // tcpTableShare 1: every boundary asks (by default, at most 1% of the wall time: see below)
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie, ssAboveMs: 0, tcpTableShare: 1 });
    try {
      for (let i = 0; i < 250 && ends.length < 100; i++) await new Promise((r) => setTimeout(r, 20));
      const open = await sampler.read('measured', 0, 0);
      expect(open.tcp).toEqual({ ESTABLISHED: 100 });
      for (const s of ends.slice(0, 10)) s.destroy(); // the tree's ends go to CLOSE_WAIT, their inodes the same
      let closed = open;
      for (let i = 1; i < 100 && closed.tcp.CLOSE_WAIT !== 10; i++) {
        await new Promise((r) => setTimeout(r, 20));
        closed = await sampler.read('measured', i, i);
      }
      expect(closed.tcp).toEqual({ ESTABLISHED: 90, CLOSE_WAIT: 10 });
      expect(closed.values.sockets).toBe(100);
      const asked = sampler.tcpAsked();
      expect(asked.tables).toBe(1);
      expect(asked.helper + asked.ssUnsettled).toBeGreaterThan(0);
      expect(asked.ssPorts).toBe(0);
      // a timed read of the unchanged tree asks nothing
      const before = sampler.tcpTableReads();
      expect((await sampler.read('measured', null, 200)).tcp).toEqual(closed.tcp);
      expect(sampler.tcpTableReads()).toBe(before);
      expect(sampler.errors()).toEqual([]);
    } finally {
      server.close();
      for (const s of ends) s.destroy();
      await sampler.stopTimer();
    }
  });

  it('counts the tcp sockets a target owns, per state, both ends of each connection', async () => {
    const target = await start('tcpTarget.py', ['3']);
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie });
    const s = await sampler.read('measured', 0, 0);
    // a listener, 3 client ends and 3 accepted ends
    expect(s.values.sockets).toBe(7);
    expect(s.tcp).toEqual({ LISTEN: 1, ESTABLISHED: 6 });
    // node gives a child its stdio pipes as unix socketpairs: 3 more socket fds, not inet sockets
    expect(s.values.fdSocket).toBe(10);
    expect(s.values.fds).toBe(s.values.fdFile! + s.values.fdSocket! + s.values.fdPipe! + s.values.fdOther!);
    expect(s.values.children).toBe(0);
    expect(s.pids).toEqual([target.pid]);

    const ids = await sampler.identities();
    expect(ids.processes).toEqual([{ kind: 'process', id: String(target.pid), detail: expect.stringContaining('tcpTarget.py 3') }]);
    expect(ids.sockets).toHaveLength(7);
    const port = target.ready[0];
    expect(ids.sockets.filter((x) => x.detail.startsWith(`LISTEN 127.0.0.1:${port} `))).toHaveLength(1);
    expect(ids.fds.filter((x) => x.detail.startsWith('socket:['))).toHaveLength(10);
    expect(sampler.errors()).toEqual([]);
  });

  it('holds timed reads to their share of time on the tcp tables: a new socket waits, a closed one drops out', async () => {
    const target = await start('fdTarget.py');
    const ask = targetCommands(target);
    // a share so small that no timed read may read the tables after the boundary's
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie, tcpTableShare: 1e-12 });
    try {
      const first = Number(await ask('listen'));
      const base = await sampler.read('measured', 0, 0);
      await ask('listen');
      expect((await sampler.read('measured', null, 1)).values.sockets).toBe(base.values.sockets);
      await ask(`close ${first}`);
      expect((await sampler.read('measured', null, 2)).values.sockets).toBe(base.values.sockets! - 1);
      expect(sampler.tcpTableReads()).toBe(1);
      expect((await sampler.read('measured', 1, 3)).values.sockets).toBe(base.values.sockets);
    } finally {
      await sampler.stopTimer();
    }
  });

  it('sums rss and threads over a parent and its 2 children', async () => {
    const target = await start('treeTarget.py');
    const kids = target.ready.map(Number);
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie, heap: async () => 1234 });
    const s = await sampler.read('warmup', 0, 10, { escaped: true });
    expect(s.values.children).toBe(2);
    expect(s.pids).toEqual([target.pid, ...kids].sort((a, b) => a - b));
    expect(s.values.escaped).toBe(0);
    expect(s.values.heapUsed).toBe(1234);
    expect(s.values.cpu).toBeNull(); // no interval yet
    const { pageSize } = readHostConstants();
    let rss = 0;
    let threads = 0;
    for (const pid of s.pids) {
      const st = readStatSync(pid)!;
      rss += st.rssPages * pageSize;
      threads += st.numThreads;
    }
    expect(threads).toBe(s.values.threads);
    expect(Math.abs(s.values.rss! - rss)).toBeLessThan(rss * 0.05);
    expect(s.values.rss!).toBeGreaterThan(16 * 1024 * 1024); // each child holds 8 MiB of ballast
    expect(s.values.pss!).toBeGreaterThan(0);
    expect(s.values.pss!).toBeLessThanOrEqual(s.values.rss! * 1.05);

    const next = await sampler.read('warmup', null, 20);
    expect(next.values.cpu).not.toBeNull();
    expect(next.values.cpu!).toBeGreaterThanOrEqual(0);
    expect(next.values.escaped).toBe(0); // carried over from the last scan
    expect(next.values.pss).toBeNull(); // timed samples skip the costly smaps_rollup by default
  });

  it('counts a setsid grandchild that left the tree as escaped', async () => {
    const target = await start('escapeTarget.py');
    const grandchild = Number(target.ready[0]);
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie });
    const timed = await sampler.read('measured', null, 0);
    expect(timed.values.escaped).toBeNull(); // never scanned yet
    const s = await sampler.read('measured', 3, 5, { escaped: true });
    expect(s.pids).not.toContain(grandchild);
    expect(s.values.escaped).toBe(1);
    const ids = await sampler.identities();
    expect(ids.processes.find((p) => p.id === String(grandchild))?.detail).toMatch(/^escaped the tree: .*escapeTarget\.py/);
  });

  it('takes timed samples without overlapping reads and stops cleanly', async () => {
    const target = await start('tcpTarget.py', ['1']);
    const sampler = createSampler({ rootPids: () => [target.pid], cookie: target.cookie });
    const got: Sample[] = [];
    let clock = 0;
    sampler.setPhase('measured');
    sampler.startTimer(20, (s) => got.push(s), () => ++clock);
    await vi.waitUntil(() => got.length >= 4, { timeout: 30_000, interval: 25 });
    // a boundary read in between the timed ones queues behind any read in flight
    const boundary = await sampler.read('measured', 1, 0);
    await sampler.stopTimer();
    const count = got.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(got.length).toBe(count); // nothing after stop
    expect(count).toBeGreaterThanOrEqual(4);
    expect(got.every((s) => s.phase === 'measured' && s.iteration === null && s.values.sockets === 3)).toBe(true);
    expect(got.map((s) => s.t)).toEqual([...got.map((s) => s.t)].sort((a, b) => a - b));
    expect(boundary.values.sockets).toBe(3);
  });
});

describe('createSampler on a fake /proc', () => {
  it('reports an unreadable fd directory and leaves fds null rather than 0', async () => {
    const fake = createFakeProc();
    try {
      fake.stat(10, { ppid: 1, rssPages: 10 });
      fake.stat(11, { ppid: 10, rssPages: 5, threads: 3 });
      fake.link('10/fd/0', '/dev/null');
      fake.file('10/smaps_rollup', 'Pss: 8 kB\n');
      fake.file('11/smaps_rollup', 'Pss: 4 kB\n');
      // 11 has a stat (it runs) but no fd directory: as if EACCES
      const sampler = createSampler({ rootPids: () => [10], cookie: 'c', procRoot: fake.root });
      const s = await sampler.read('warmup', 0, 0);
      expect(s.values.fds).toBeNull();
      expect(s.values.fdFile).toBeNull();
      expect(s.values.sockets).toBeNull();
      expect(s.values.rss).toBe(15 * readHostConstants().pageSize);
      expect(s.values.pss).toBe(12 * 1024);
      expect(s.values.threads).toBe(4);
      expect(s.values.children).toBe(1);
      expect(sampler.errors()).toEqual([`cannot read ${fake.root}/11/fd: ENOENT`]);
    } finally {
      fake.remove();
    }
  });
});
