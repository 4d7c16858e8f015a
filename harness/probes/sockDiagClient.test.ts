// The sock_diag helper, run for real: python3 asking the kernel over netlink.
import { execFile } from 'node:child_process';
import { createConnection, createServer, type Socket } from 'node:net';
import { chmodSync, readlinkSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { createSockDiag, HELD, parseDiagLine, stateMask, UNSETTLED, type SockDiag } from './sockDiagClient.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const TSNODE = path.join(here, '../../fixtures/testing/tsnode.mjs');

/**
 * A query as the only thing a Node process waits on, at its top level, as in a run attached to a
 * process seep did not start (no child of seep's, no busy socket): its exit code and what it printed.
 * Exit code 13 is Node's "unsettled top-level await": the event loop emptied under the wait.
 */
function queryAlone(python: string): Promise<{ code: number | null; out: string; err: string }> {
  const dir = tempDir('seep-sockdiag-');
  const file = path.join(dir, 'alone.mts');
  writeFileSync(file, `import { createSockDiag, HELD } from ${JSON.stringify(path.join(here, 'sockDiagClient.ts'))};
const diag = createSockDiag(${JSON.stringify(python)});
const t0 = performance.now();
const answer = await diag.query(4, HELD, [[1, 2]]);
console.log(JSON.stringify({ answer, status: diag.status(), ms: performance.now() - t0 }));
diag.close();
`);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [TSNODE, file], { timeout: 60_000 }, (_e, out, err) => resolve({ code: child.exitCode, out, err }));
  });
}

const helpers: SockDiag[] = [];
afterEach(() => {
  for (const h of helpers.splice(0)) h.close();
});

/** inodes of this process's socket fds, by fd number */
function ownSocketInodes(): Set<number> {
  const out = new Set<number>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) out.add(Number(m[1]));
    } catch {
      // closed meanwhile
    }
  }
  return out;
}

describe('the sock_diag helper', () => {
  it('lists the sockets in the asked states only: a listener and a half-closed connection, not the established one', async () => {
    const ends: Socket[] = [];
    const server = createServer({ allowHalfOpen: true }, (s) => ends.push(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const a = createConnection(port, '127.0.0.1');
    const b = createConnection(port, '127.0.0.1');
    await Promise.all([a, b].map((c) => new Promise((r) => c.once('connect', r))));
    for (let i = 0; i < 100 && ends.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    b.end(); // b's peer (an accepted end) reads EOF: CLOSE_WAIT; b itself goes to FIN_WAIT2
    await new Promise((r) => setTimeout(r, 100));
    const diag = createSockDiag();
    helpers.push(diag);
    try {
      const answer = await diag.query(4, UNSETTLED);
      if (!answer.ok) throw new Error(answer.reason);
      expect(diag.status()).toBe('ready');
      const mine = ownSocketInodes();
      const states = answer.sockets.filter((s) => mine.has(s.inode)).map((s) => s.state).sort();
      expect(states).toEqual(['CLOSE_WAIT', 'FIN_WAIT2', 'LISTEN']);
      const established = await diag.query(4, stateMask(['ESTABLISHED']));
      if (!established.ok) throw new Error(established.reason);
      expect(established.sockets.filter((s) => mine.has(s.inode) && s.remotePort === port)).toHaveLength(1); // a
      // filtered by pairs of ports (inet_diag bytecode): a's own end and the listener, whatever their states
      const filtered = await diag.query(4, HELD, [[a.localPort!, port], [port, 0]]);
      if (!filtered.ok) throw new Error(filtered.reason);
      expect(filtered.sockets.map((s) => [s.state, s.localPort, s.remotePort]).sort()).toEqual([['ESTABLISHED', a.localPort, port], ['LISTEN', port, 0]]);
      const none = await diag.query(4, HELD, [[1, 2]]);
      expect(none).toEqual({ ok: true, sockets: [] });
    } finally {
      a.destroy();
      b.destroy();
      for (const s of ends) s.destroy();
      server.close();
    }
  });

  it('says it is unavailable when there is no python3 to run it, for good', async () => {
    const diag = createSockDiag('/nonexistent/python3');
    helpers.push(diag);
    const answer = await diag.query(4, UNSETTLED);
    expect(answer.ok).toBe(false);
    expect(diag.status()).toBe('unavailable');
  });

  it('keeps the process alive while a query waits on it, when nothing else does: the answer comes, not exit code 13', async () => {
    const run = await queryAlone('python3');
    expect(run.code, run.out + run.err).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ answer: { ok: true, sockets: [] }, status: 'ready' });
  });

  it('answers a query whose helper never gets ready (a stopped start), at its deadline, and the process then ends', async () => {
    const dir = tempDir('seep-sockdiag-');
    const mute = path.join(dir, 'mute-python3');
    writeFileSync(mute, '#!/bin/sh\nexec sleep 60\n'); // neither says ready nor exits
    chmodSync(mute, 0o755);
    const run = await queryAlone(mute);
    expect(run.code, run.out + run.err).toBe(0);
    const said = JSON.parse(run.out) as { answer: { ok: boolean; reason?: string }; status: string; ms: number };
    expect(said.answer).toMatchObject({ ok: false, reason: expect.stringMatching(/not ready in time/) });
    expect(said.status).toBe('idle'); // dropped, not unavailable for good: a later query starts another
    expect(said.ms).toBeGreaterThanOrEqual(4900);
  });

  it('parses its answer line, and refuses a malformed one', () => {
    expect(parseDiagLine('5001:10:8080:0 5002:8:8080:43122')).toEqual([
      { inode: 5001, state: 'LISTEN', localPort: 8080, remotePort: 0 },
      { inode: 5002, state: 'CLOSE_WAIT', localPort: 8080, remotePort: 43122 },
    ]);
    expect(parseDiagLine('')).toEqual([]);
    expect(() => parseDiagLine('5001:99:1:2')).toThrow(/malformed entry '5001:99:1:2'/);
  });
});
