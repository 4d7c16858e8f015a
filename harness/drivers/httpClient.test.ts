import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './httpClient.ts';
import { freePort } from './freePort.ts';

let server: http.Server | undefined;
const seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

afterEach(async () => {
  seen.length = 0;
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server!.close(r));
    server = undefined;
  }
});

function listen(handler: http.RequestListener): Promise<string> {
  server = http.createServer(handler);
  return new Promise((resolve) => server!.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}/`)));
}

describe('createHttpClient', () => {
  it('sends JSON with Connection: close on a fresh connection per request, and returns non-2xx replies', async () => {
    const sockets = new Set<unknown>();
    const base = await listen((req, res) => {
      sockets.add(req.socket);
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(req.url === '/teapot' ? 418 : 200, { 'x-multi': ['a', 'b'] }).end(JSON.stringify({ echo: body }));
      });
    });
    const client = createHttpClient(base);
    const res = await client.post('items?x=1', { json: { a: 1 }, headers: { 'X-Trace': 't1' } });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ echo: '{"a":1}' });
    expect(res.headers['x-multi']).toBe('a, b');
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/items?x=1', body: '{"a":1}' });
    expect(seen[0]!.headers).toMatchObject({ connection: 'close', 'content-type': 'application/json', 'x-trace': 't1' });
    const teapot = await client.request('PUT', '/teapot', { body: 'tea' });
    expect(teapot.status).toBe(418);
    expect(sockets.size).toBe(2);
  });

  it('says which URL failed when nothing listens', async () => {
    const port = await freePort();
    await expect(createHttpClient(`http://127.0.0.1:${port}`).get('/x')).rejects.toThrow(`GET http://127.0.0.1:${port}/x failed: ECONNREFUSED`);
  });

  it('gives up on a reply that does not come within timeoutMs', async () => {
    const base = await listen(() => undefined);
    await expect(createHttpClient(base).get('/slow', { timeoutMs: 200 })).rejects.toThrow(/GET .*\/slow failed: .*within 200 ms/);
  });

  it('json() names the URL when the body is not JSON', async () => {
    const base = await listen((_req, res) => res.end('<html>'));
    const res = await createHttpClient(base).get('/page');
    expect(() => res.json()).toThrow(/GET .*\/page \(status 200\) did not return JSON: <html>/);
  });
});
