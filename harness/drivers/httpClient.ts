import http from 'node:http';
import type { HttpClient, HttpRequestOptions, HttpResponse } from '../scenario/types.ts';

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * An HTTP client for steps. One connection per request (no agent, `Connection: close`): a keep-alive
 * socket of seep's own would sit in the target between steps and show up as a socket the target holds.
 * A non-2xx status is a response, not an error: steps assert on it. A connection error throws.
 */
export function createHttpClient(baseUrl: string): HttpClient {
  const root = baseUrl.replace(/\/+$/, '');
  const request = (method: string, path: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> => {
    const url = root + (path.startsWith('/') ? path : `/${path}`);
    const headers: Record<string, string> = { connection: 'close', ...lowerKeys(opts.headers ?? {}) };
    let body: string | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] ??= 'application/json';
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<HttpResponse>((resolve, reject) => {
      const fail = (why: string, cause?: unknown) => reject(new Error(`${method} ${url} failed: ${why}`, { cause }));
      const req = http.request(url, { method, headers, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => fail(`reading the response: ${err.message}`, err));
        res.on('end', () => {
          clearTimeout(timer);
          resolve(toResponse(method, url, res, Buffer.concat(chunks).toString('utf8')));
        });
      });
      // an overall deadline: req.setTimeout only measures idle time, and a trickling reply would never end
      const timer = setTimeout(() => {
        req.destroy(new Error(`no complete reply within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(err.code ? `${err.code} ${err.message}` : err.message, err);
      });
      req.end(body);
    });
  };
  return {
    baseUrl: root,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, opts) => request('POST', path, opts),
  };
}

function toResponse(method: string, url: string, res: http.IncomingMessage, body: string): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return {
    status: res.statusCode ?? 0,
    headers,
    body,
    json<T = unknown>(): T {
      try {
        return JSON.parse(body) as T;
      } catch (err) {
        throw new Error(`${method} ${url} (status ${res.statusCode}) did not return JSON: ${body.slice(0, 200)}`, { cause: err });
      }
    },
  };
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
