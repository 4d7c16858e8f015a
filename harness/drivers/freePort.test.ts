// Real sockets: the port freePort gives is one a target can bind, and none an outgoing connection can take first.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { ephemeralPortRange, freePort } from './freePort.ts';

const listen = (port: number): Promise<net.Server> => new Promise((resolve, reject) => {
  const server = net.createServer();
  server.once('error', reject);
  server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
});

describe('freePort', () => {
  it('gives a port below the kernel ephemeral range, which a target then binds', async () => {
    const range = ephemeralPortRange();
    expect(range, '/proc/sys/net/ipv4/ip_local_port_range').not.toBeNull();
    const ports = [];
    for (let i = 0; i < 10; i++) ports.push(await freePort());
    // the source ports of outgoing connections come from that range: one of them could take ours
    for (const p of ports) expect(p).toBeLessThan(range![0]);
    expect(new Set(ports).size).toBeGreaterThan(1);
    const server = await listen(ports[0]!);
    await new Promise((r) => server.close(r));
  });
});
