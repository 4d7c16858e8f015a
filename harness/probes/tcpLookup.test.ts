import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { createTcpLookup, tcpInUse } from './tcpLookup.ts';
import { createFakeProc, type FakeProc } from '../../fixtures/probe-targets/fakeProc.ts';
import { TCP, TCP6 } from '../../fixtures/probe-targets/tcpTableText.ts';

const UNIX = 'Num       RefCount Protocol Flags    Type St Inode Path\n' +
  '0000000000000000: 00000003 00000000 00000000 0001 03 777\n' +
  '0000000000000000: 00000003 00000000 00000000 0001 03 778 /run/x.sock\n';

let fake: FakeProc;
let errors: string[];
beforeEach(() => {
  fake = createFakeProc();
  errors = [];
});
afterEach(() => fake.remove());

describe('createTcpLookup', () => {
  it('tells unix sockets apart without reading the tcp tables', async () => {
    fake.stat(10, { ppid: 1 });
    fake.file('10/net/unix', UNIX);
    fake.file('10/net/tcp/x', ''); // unreadable (a directory): reading it would be an error
    const lookup = createTcpLookup(fake.root, (m) => errors.push(m));
    expect((await lookup.lookup(new Map([[10, [777, 778]]])))?.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('finds inet sockets in tcp and tcp6, once per namespace, falling back to a member still running', async () => {
    fake.link('10/ns/net', 'net:[4026531840]'); // exited: no net files
    fake.link('11/ns/net', 'net:[4026531840]');
    fake.stat(11, { ppid: 10 });
    fake.file('11/net/unix', UNIX);
    fake.file('11/net/tcp', TCP);
    fake.file('11/net/tcp6', TCP6);
    const lookup = createTcpLookup(fake.root, (m) => errors.push(m));
    const table = await lookup.lookup(new Map([[10, [5001, 777]], [11, [6002, 999]]]));
    expect([...table!.keys()].sort()).toEqual([5001, 6002]);
    expect(table!.get(6002)?.state).toBe('ESTABLISHED');
    expect(errors).toEqual([]);
  });

  it('reports an unreadable table as null with the reason', async () => {
    fake.stat(11, { ppid: 1 });
    fake.file('11/net/unix', UNIX);
    fake.file('11/net/tcp/x', '');
    const lookup = createTcpLookup(fake.root, (m) => errors.push(m));
    expect(await lookup.lookup(new Map([[11, [5001]]]))).toBeNull();
    expect(errors).toEqual([`cannot read ${fake.root}/11/net/tcp: EISDIR`]);
  });

  it('treats a running process without tcp6 as IPv6 disabled', async () => {
    fake.stat(11, { ppid: 1 });
    fake.file('11/net/unix', UNIX);
    fake.file('11/net/tcp', TCP);
    const lookup = createTcpLookup(fake.root, (m) => errors.push(m));
    expect([...(await lookup.lookup(new Map([[11, [5002, 4242]]])))!.keys()]).toEqual([5002]);
    expect(errors).toEqual([]);
  });

  it("skips a family's table when the namespace's sockstat counts none of it in use", async () => {
    fake.stat(11, { ppid: 1 });
    fake.file('11/net/unix', UNIX);
    fake.file('11/net/tcp', TCP);
    fake.file('11/net/tcp6/x', ''); // unreadable (a directory): reading it would be an error
    fake.file('11/net/sockstat6', 'TCP6: inuse 0\nUDP6: inuse 2\n');
    const lookup = createTcpLookup(fake.root, (m) => errors.push(m));
    // 4242 is in neither table: without the count, tcp6 would be read after tcp
    expect([...(await lookup.lookup(new Map([[11, [5002, 4242]]])))!.keys()]).toEqual([5002]);
    expect(errors).toEqual([]);
    fake.file('11/net/sockstat6', 'TCP6: inuse 3\nUDP6: inuse 2\n');
    expect(await lookup.lookup(new Map([[11, [5002, 4242]]]))).toBeNull();
    expect(errors).toEqual([`cannot read ${fake.root}/11/net/tcp6: EISDIR`]);
  });

  it('reads the real count of this namespace: at least the listener this test holds', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      expect(tcpInUse('/proc', process.pid, 'tcp')).toBeGreaterThanOrEqual(1);
      expect(tcpInUse(fake.root, process.pid, 'tcp')).toBeNull(); // no sockstat there
    } finally {
      server.close();
    }
  });
});
