import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countTcp, formatAddress, parseTcpTable, readTcpTable, readTcpTables } from './tcpSockets.ts';
import { createFakeProc, type FakeProc } from './testTargets/fakeProc.ts';

// Lines as the kernel prints them on a little-endian host (x86-64, arm64).
const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const TCP = HEADER + [
  '   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0000000000000000 100 0 0 10 0',
  '   1: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 5002 1 0000000000000000 20 4 30 10 -1',
  '   2: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 5003 1 0000000000000000 20 4 30 10 -1',
  '   3: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000',
  '   4: 0100007F:C352 0100007F:1F90 08 00000000:00000000 00:00000000 00000000  1000        0 5004 1 0000000000000000 20 4 30 10 -1',
].join('\n') + '\n';
const TCP6 = HEADER + [
  '   0: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6001 1 0000000000000000 100 0 0 10 0',
  '   1: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000100007F:D000 01 00000000:00000000 00:00000000 00000000  1000        0 6002 1 0000000000000000 100 0 0 10 0',
].join('\n') + '\n';

let fake: FakeProc;
beforeEach(() => {
  fake = createFakeProc();
});
afterEach(() => fake.remove());

describe('parseTcpTable', () => {
  it('maps inodes to state and addresses, leaving out TIME_WAIT (inode 0)', () => {
    const table = parseTcpTable(TCP);
    expect([...table.keys()]).toEqual([5001, 5002, 5003, 5004]);
    expect(table.get(5001)).toEqual({ state: 'LISTEN', local: '127.0.0.1:8080', remote: '0.0.0.0:0' });
    expect(table.get(5002)).toEqual({ state: 'ESTABLISHED', local: '127.0.0.1:8080', remote: '127.0.0.1:50000' });
    expect(table.get(5004)?.state).toBe('CLOSE_WAIT');
    expect([...table.values()].some((e) => e.state === 'TIME_WAIT')).toBe(false);
  });

  it('formats IPv6 and v4-mapped addresses', () => {
    expect(formatAddress('00000000000000000000000001000000:0050')).toBe('[::1]:80');
    expect(formatAddress('0000000000000000FFFF00000100007F:0050')).toBe('[::ffff:127.0.0.1]:80');
    expect(formatAddress('B80D0120000000000000000001000000:01BB')).toBe('[2001:db8::1]:443');
  });

  it('throws on a state number the kernel does not define', () => {
    expect(() => parseTcpTable(HEADER + TCP.split('\n')[1]!.replace(' 0A ', ' 1F ') + '\n')).toThrow(/unknown TCP state/);
  });
});

describe('counting a process\'s sockets', () => {
  it('counts only the fd inodes found in tcp or tcp6, once each, per state', async () => {
    fake.file('10/net/tcp', TCP);
    fake.file('10/net/tcp6', TCP6);
    const table = await readTcpTable(10, fake.root);
    // 5001 twice (listener shared by fork), 777 is a unix socket, 6002 from tcp6
    const counted = countTcp([5001, 5001, 5002, 5004, 777, 6002], table);
    expect(counted.sockets).toBe(4);
    expect(counted.tcp).toEqual({ LISTEN: 1, ESTABLISHED: 2, CLOSE_WAIT: 1 });
  });

  it('reads tcp without tcp6 (IPv6 disabled) and reports an unreadable table', async () => {
    fake.file('10/net/tcp', TCP);
    expect((await readTcpTable(10, fake.root)).size).toBe(4);
    fake.file('11/net/tcp/x', ''); // a directory: EISDIR
    const errors: string[] = [];
    expect(await readTcpTables([11], fake.root, (m) => errors.push(m))).toBeNull();
    expect(errors).toEqual([`cannot read ${fake.root}/11/net/tcp: EISDIR`]);
  });

  it('reads one table per network namespace, falling back to the next member when one exited', async () => {
    fake.link('10/ns/net', 'net:[4026531840]'); // exited: no net/tcp
    fake.link('11/ns/net', 'net:[4026531840]');
    fake.file('11/net/tcp', TCP);
    const errors: string[] = [];
    const tables = await readTcpTables([10, 11], fake.root, (m) => errors.push(m));
    expect(tables?.size).toBe(4);
    expect(errors).toEqual([]);
  });
});
