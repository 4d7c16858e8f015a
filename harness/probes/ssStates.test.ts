import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseSsLines, readSsStates, ssFilter } from './ssStates.ts';
import { parseTcpTable } from './tcpSockets.ts';

const LINES = [
  'LISTEN     0      128    127.0.0.1:8080   0.0.0.0:*     ino:5001 sk:1e408 cgroup:/ <->',
  'ESTAB      0      0      127.0.0.1:8080   127.0.0.1:50000 ino:5002 sk:2 cgroup:/ <->',
  'CLOSE-WAIT 1      0      [::1]:8081       [::1]:50001   ino:6002 sk:3 cgroup:/ <->',
  'TIME-WAIT  0      0      127.0.0.1:8080   127.0.0.1:50002 timer:(timewait,7.096ms,0) ino:0 sk:1e4d2',
  'ESTAB      0      0      127.0.0.1:9999   127.0.0.1:50003 ino:7777 sk:4 cgroup:/ <->',
].join('\n');

describe('ssStates', () => {
  it('reads the state of the wanted inodes only, in the kernel names seep reports', () => {
    expect(parseSsLines(LINES, new Set([5001, 5002, 6002, 4242]))).toEqual(new Map([[5001, 'LISTEN'], [5002, 'ESTABLISHED'], [6002, 'CLOSE_WAIT']]));
  });

  it('rejects a state it does not know rather than miscounting', () => {
    expect(() => parseSsLines('BOGUS 0 0 a:1 b:2 ino:5 sk:1', new Set([5]))).toThrow(/unknown ss state 'BOGUS'/);
  });

  it('filters on each distinct pair of ports, a listener by its peer port 0', () => {
    expect(ssFilter([{ inode: 1, localPort: 8080, remotePort: 0, v6: false }, { inode: 2, localPort: 8080, remotePort: 5, v6: false }, { inode: 3, localPort: 8080, remotePort: 0, v6: true }]))
      .toBe('( sport = :8080 and dport = :0 ) or ( sport = :8080 and dport = :5 )');
  });

  it('asks the real ss for a listener of this process', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const table = parseTcpTable(readFileSync('/proc/self/net/tcp', 'latin1'));
      const inode = [...table].find(([, e]) => e.state === 'LISTEN' && e.local === `127.0.0.1:${port}`)![0];
      expect(await readSsStates([{ inode, localPort: port, remotePort: 0, v6: false }])).toEqual({ ok: true, states: new Map([[inode, 'LISTEN']]) });
      expect(await readSsStates([{ inode, localPort: port, remotePort: 0, v6: false }], '/nonexistent/ss')).toMatchObject({ ok: false, missing: true });
    } finally {
      server.close();
    }
  });
});
