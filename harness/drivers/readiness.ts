import net from 'node:net';
import type { ReadyCheck } from '../scenario/types.ts';
import { createHttpClient } from './httpClient.ts';
import type { Attempt } from './pollUntil.ts';

/** One GET of `path`: ready on 2xx. Each attempt is short so a hung listener does not eat the whole timeout. */
export function httpReady(baseUrl: string, path: string): Attempt {
  const client = createHttpClient(baseUrl);
  return async () => {
    try {
      const res = await client.get(path, { timeoutMs: 1000 });
      return res.status >= 200 && res.status < 300 ? true : `GET ${path} answered ${res.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  };
}

/** Ready when a TCP connection to host:port (127.0.0.1 unless given) is accepted. */
export function tcpReady(port: number, host = '127.0.0.1'): Attempt {
  return () =>
    new Promise((resolve) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(`connect to ${host}:${port} timed out`);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(`connect to ${host}:${port}: ${err.code ?? err.message}`));
    });
}

/** Whether an output line matches a `{ stdout: ... }` check; a string matches as a substring. */
export function lineMatcher(pattern: string | RegExp): (line: string) => boolean {
  if (typeof pattern === 'string') return (line) => line.includes(pattern);
  // a /g or /y pattern keeps lastIndex between test() calls and would skip matches
  const re = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (line) => re.test(line);
}

export function describeReady(check: ReadyCheck): string {
  if ('http' in check) return `GET ${check.http} to answer 2xx`;
  if ('tcp' in check) return 'its port to accept a TCP connection';
  return `an output line matching ${String(check.stdout)}`;
}
