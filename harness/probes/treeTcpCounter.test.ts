// The tcp counter's choices at boundaries, on a real tree (100 connections to this process) with a
// sock_diag helper that answers at once, so that the costs it weighs are known.
import { createServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';
import { createFdTable } from './fdTable.ts';
import { killTree } from './killTree.ts';
import { listTreeSync } from './processTree.ts';
import { newCookie } from './runCookie.ts';
import type { SockDiag } from './sockDiagClient.ts';
import { createTreeTcpCounter } from './treeTcpCounter.ts';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

/** a helper that is up and lists no unsettled socket: every known one stays ESTABLISHED */
function quietHelper(): SockDiag & { queries: number } {
  const h = {
    queries: 0,
    status: () => 'ready' as const,
    start: async () => true,
    async query() {
      h.queries += 1;
      return { ok: true as const, sockets: [] };
    },
    pid: () => null,
    close: () => undefined,
  };
  return h;
}

async function treeOf100(): Promise<number> {
  const ends: Socket[] = [];
  const server = createServer((s) => ends.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cookie = newCookie();
  const target = await startTestTarget('clientTarget.py', [String((server.address() as { port: number }).port), '100'], cookie);
  stops.push(async () => {
    await killTree([target.pid], cookie, { graceMs: 500 });
    for (const s of ends) s.destroy();
    server.close();
  });
  return target.pid;
}

describe('tree tcp counter at boundaries', () => {
  it('asks the kernel for the states of a tree that kept its sockets at most its share of the time, keeping them between', async () => {
    const pid = await treeOf100();
    const table = createFdTable({ procRoot: '/proc' });
    const fds = () => {
      const r = table.read(listTreeSync([pid]), true, () => false);
      if (!r.ok) throw new Error(r.error);
      return r.fds;
    };
    const helper = quietHelper();
    const errors: string[] = [];
    // ssAboveMs 0: the tables count as dear; a share of 0.01: a query keeps its states 100 times its
    // own wall time (0.05 ms: 5 ms), and asks again no sooner than 200 ms
    const counter = createTreeTcpCounter({ procRoot: '/proc', onError: (m) => errors.push(m), ssAboveMs: 0, tcpTableShare: 0.01, queryEveryMs: 200, sockDiag: helper });
    expect(await counter.count(fds(), true)).toEqual({ sockets: 100, tcp: { ESTABLISHED: 100 } });
    expect(await counter.count(fds(), true)).toEqual({ sockets: 100, tcp: { ESTABLISHED: 100 } });
    expect(await counter.count(fds(), true)).toEqual({ sockets: 100, tcp: { ESTABLISHED: 100 } });
    expect(counter.asked()).toEqual({ tables: 1, ssPorts: 0, ssUnsettled: 0, helper: 1, kept: 1 });
    expect(helper.queries).toBe(1);
    // past the share (a hundred times the query's own time, which a busy machine stretches: 6 ms kept
    // the states 6 s at a share of 0.001, past a 5 s wait), a boundary asks again
    for (const until = Date.now() + 30_000; Date.now() < until && helper.queries < 2; ) {
      await new Promise((r) => setTimeout(r, 100));
      await counter.count(fds(), true);
    }
    expect(counter.asked()).toMatchObject({ tables: 1, helper: 2 });
    expect(errors).toEqual([]);
  });
});
