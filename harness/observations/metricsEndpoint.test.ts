// The metrics endpoint on a real socket: 127.0.0.1 only, GET /metrics only, bounded requests.
import net from 'node:net';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMetricsEndpoint, type MetricsEndpoint } from './metricsEndpoint.ts';

let endpoint: MetricsEndpoint;
beforeAll(async () => {
  endpoint = await startMetricsEndpoint(0);
  endpoint.watch('s', () => ({ targetRss: 1234 }));
});
afterAll(() => endpoint.close());

/** one raw HTTP exchange: the status line of the answer, or how the connection ended */
function raw(request: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(endpoint.port, host);
    let data = '';
    sock.on('data', (d) => (data += d.toString()));
    sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    sock.on('close', () => resolve(data.split('\r\n')[0] ?? ''));
    sock.on('connect', () => sock.write(request));
  });
}

describe('metrics endpoint', () => {
  it('answers GET /metrics with the registered values', async () => {
    const text = await fetch(`http://127.0.0.1:${endpoint.port}/metrics`).then((r) => r.text());
    expect(text).toContain('seep_target_rss_bytes{scenario="s"} 1234');
  });

  it('answers other paths 404 and other methods 405', async () => {
    expect((await fetch(`http://127.0.0.1:${endpoint.port}/admin`)).status).toBe(404);
    const post = await fetch(`http://127.0.0.1:${endpoint.port}/metrics`, { method: 'POST', body: 'x'.repeat(1000) });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('refuses a request with oversized headers', async () => {
    const status = await raw(`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
    expect(status).toMatch(/^HTTP\/1\.1 431|ECONNRESET|EPIPE/);
  });

  it('listens on 127.0.0.1 only, not on the machine\'s other addresses', async () => {
    const other = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
    if (!other) return; // a machine with loopback only has nothing else to listen on
    expect(await raw('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n', other.address)).toBe('ECONNREFUSED');
  });
});
