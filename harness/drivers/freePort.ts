import { readFileSync } from 'node:fs';
import net from 'node:net';

/** below this, ports are often services' own (well-known and registered ones people run) */
const LOWEST = 20_000;
const TRIES = 20;

/**
 * The kernel's ephemeral range, from which it gives the source port of every outgoing connection and
 * of every listen on port 0; null where it cannot be read (not Linux).
 */
export function ephemeralPortRange(file = '/proc/sys/net/ipv4/ip_local_port_range'): [number, number] | null {
  try {
    const [low, high] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
    return Number.isInteger(low) && Number.isInteger(high) ? [low!, high!] : null;
  } catch {
    return null;
  }
}

/** listens on 127.0.0.1:port (0: one the kernel picks) and closes again; resolves to the port, or null when it was taken */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' || err.code === 'EACCES' ? resolve(null) : reject(err)));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected listen address ${String(address)}`));
        return;
      }
      server.close((err) => (err ? reject(err) : resolve(address.port)));
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for a target to bind. Taken below the kernel's
 * ephemeral range when there is room: a port from that range can be handed, between our close and the
 * target's bind, to the source of any outgoing connection on the machine (a suite's load generators
 * open hundreds a second), and the target then fails to bind and exits (gunicorn after five tries, code
 * 1). Below the range only another listener can take it. Where the range cannot be read or leaves no
 * room, one the kernel picks.
 */
export async function freePort(): Promise<number> {
  const range = ephemeralPortRange();
  if (range && range[0] - LOWEST >= 1000) {
    for (let i = 0; i < TRIES; i++) {
      const port = await tryPort(LOWEST + Math.floor(Math.random() * (range[0] - LOWEST)));
      if (port !== null) return port;
    }
  }
  const port = await tryPort(0);
  if (port === null) throw new Error('freePort: no port to listen on at 127.0.0.1');
  return port;
}
