import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { countTcp, formatAddress, parseTcpTable, readOneTable, scanTcpTable } from './tcpSockets.ts';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { HEADER, TCP, TCP6 } from '../../fixtures/probe-targets/tcpTableText.ts';


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

  it('decodes only the wanted inodes when asked for some, in a buffer read part-way', () => {
    const buf = Buffer.from(TCP + 'garbage past the length that was read', 'latin1');
    const table = scanTcpTable(buf, Buffer.byteLength(TCP), new Set([5002, 4242]));
    expect([...table]).toEqual([[5002, { state: 'ESTABLISHED', local: '127.0.0.1:8080', remote: '127.0.0.1:50000' }]]);
  });

  it('finds the inode past a slot number and a uid wider than their usual columns', () => {
    // sl is %4d and uid %5u: a table of 10,000 lines and a uid of 6 digits push the columns right
    const line = TCP.split('\n')[2]!.replace('   1:', '10000:').replace('  1000 ', ' 100000 ');
    const table = scanTcpTable(Buffer.from(HEADER + line + '\n', 'latin1'), Buffer.byteLength(HEADER + line + '\n'), null);
    expect([...table.keys()]).toEqual([5002]);
  });

  it('throws on a state number the kernel does not define', () => {
    expect(() => parseTcpTable(HEADER + TCP.split('\n')[1]!.replace(' 0A ', ' 1F ') + '\n')).toThrow(/unknown TCP state/);
  });
});

describe('counting a process\'s sockets', () => {
  it('counts only the fd inodes found in tcp or tcp6, once each, per state', async () => {
    fake.file('10/net/tcp', TCP);
    fake.file('10/net/tcp6', TCP6);
    const table = await readOneTable(10, 'tcp', fake.root);
    for (const [inode, entry] of await readOneTable(10, 'tcp6', fake.root)) table.set(inode, entry);
    // 5001 twice (listener shared by fork), 777 is a unix socket, 6002 from tcp6
    const counted = countTcp([5001, 5001, 5002, 5004, 777, 6002], table);
    expect(counted.sockets).toBe(4);
    expect(counted.tcp).toEqual({ LISTEN: 1, ESTABLISHED: 2, CLOSE_WAIT: 1 });
  });
});


