import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCookieJar, createHttpClient, MAX_RESET_RETRIES, type ResetFailure } from './httpClient.ts';
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

  it('keeps the cookies a service sets for the run, sends them back, and gives every Set-Cookie line apart', async () => {
    const base = await listen((req, res) => {
      seen.push({ url: req.url, headers: req.headers, body: '' });
      if (req.url === '/login') {
        res.writeHead(200, { 'set-cookie': ['csrftoken=abc123; Path=/; SameSite=Lax', 'sessionid=s1; HttpOnly; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT'] }).end('ok');
      } else if (req.url === '/logout') {
        res.writeHead(200, { 'set-cookie': 'sessionid=; Max-Age=0; Path=/' }).end('bye');
      } else res.end('page');
    });
    const jar = createCookieJar();
    const client = createHttpClient(base, { jar });
    const login = await client.get('/login');
    expect(login.headers['set-cookie']).toEqual(['csrftoken=abc123; Path=/; SameSite=Lax', 'sessionid=s1; HttpOnly; Path=/; Expires=Wed, 21 Oct 2099 07:28:00 GMT']);
    expect(client.cookie('csrftoken')).toBe('abc123');
    await client.get('/page', { headers: { cookie: 'mine=1' } });
    expect(seen[1]!.headers.cookie).toBe('mine=1; csrftoken=abc123; sessionid=s1');
    // a second client of the same run (a restarted service's) shares the jar
    await createHttpClient(base, { jar }).get('/page');
    expect(seen[2]!.headers.cookie).toBe('csrftoken=abc123; sessionid=s1');
    await client.get('/page', { cookies: false });
    expect(seen[3]!.headers.cookie).toBeUndefined();
    await client.get('/logout');
    await client.get('/page');
    expect(seen[5]!.headers.cookie).toBe('csrftoken=abc123');
    // no jar: nothing kept
    await createHttpClient(base).get('/login');
    await createHttpClient(base).get('/page');
    expect(seen[7]!.headers.cookie).toBeUndefined();
  });

  it('posts a form, and follows redirects when asked: a 302 after a POST becomes a GET, cookies set on the way kept', async () => {
    const base = await listen((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url === '/login') res.writeHead(302, { location: '/next', 'set-cookie': 'sessionid=s2; Path=/' }).end();
        else if (req.url === '/loop') res.writeHead(307, { location: '/loop' }).end();
        else res.end(`at ${req.url}`);
      });
    });
    const client = createHttpClient(base, { jar: createCookieJar() });
    const manual = await client.post('/login', { form: { username: 'admin', password: 'p&ss w' } });
    expect(manual.status).toBe(302);
    expect(seen[0]).toMatchObject({ method: 'POST', body: 'username=admin&password=p%26ss+w' });
    expect(seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const followed = await client.post('/login', { form: { username: 'admin' }, redirect: 'follow' });
    expect(followed).toMatchObject({ status: 200, body: 'at /next' });
    expect(followed.url).toBe(`${base}next`);
    expect(seen[2]).toMatchObject({ method: 'GET', url: '/next', body: '' });
    expect(seen[2]!.headers).toMatchObject({ cookie: 'sessionid=s2' });
    expect(seen[2]!.headers['content-length']).toBeUndefined();
    await expect(client.get('/loop', { redirect: 'follow' })).rejects.toThrow(/more than 10 redirects/);
  });

  it('retries a request reset under it once, on a new connection, only when the runner says a worker exited', async () => {
    let n = 0;
    const base = await listen((req, res) => {
      // the first request of each pair dies with its connection, as a recycled worker's would
      if (n++ % 2 === 0) req.socket.destroy();
      else res.end('served');
    });
    const asked: ResetFailure[] = [];
    const retrying = createHttpClient(base, { retryOnReset: async (f) => (asked.push(f), 'worker pid 42 exited') });
    expect((await retrying.get('/orders')).body).toBe('served');
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ method: 'GET', url: `${base}orders`, error: expect.stringMatching(/^ECONNRESET/) });
    // no worker exited: the reset is the step's error
    const refusing = createHttpClient(base, { retryOnReset: async () => null });
    await expect(refusing.get('/orders')).rejects.toThrow(/GET .*\/orders failed: ECONNRESET/);
  });

  it('retries again when the retry meets another worker dying, each reset owed to an exit of its own, and stops at a crash loop', async () => {
    // two workers recycled at the same count: the request, then its retry, each reset as one exits
    let resets = 2;
    const base = await listen((req, res) => {
      if (resets > 0 && req.url === '/orders') {
        resets--;
        req.socket.destroy();
      } else res.end('served');
    });
    const asked: ResetFailure[] = [];
    let pid = 41;
    const client = createHttpClient(base, { retryOnReset: async (f) => (asked.push(f), `worker pid ${++pid} exited`) });
    expect((await client.post('/orders', { json: { n: 1 } })).body).toBe('served');
    expect(asked).toHaveLength(2);
    expect(asked[1]!.sentAt).toBeGreaterThan(asked[0]!.sentAt); // the tree as of the retry is asked about
    // the retry's reset with no worker exiting is the step's error, and says what was retried
    resets = 2;
    const exits = ['worker pid 7 exited', null];
    const once = createHttpClient(base, { retryOnReset: async () => exits.shift() ?? null });
    await expect(once.get('/orders')).rejects.toThrow(/GET .*\/orders failed: ECONNRESET .*\(retried once on a new connection after ECONNRESET .*: worker pid 7 exited\)$/);
    // every new worker dying under the request: a crash loop, not a recycle
    resets = Infinity;
    let explained = 0;
    const looping = createHttpClient(base, { retryOnReset: async () => `worker pid ${++explained} exited` });
    await expect(looping.get('/orders')).rejects.toThrow(new RegExp(`retried ${MAX_RESET_RETRIES} times on a new connection`));
    expect(explained).toBe(MAX_RESET_RETRIES);
  });
});

