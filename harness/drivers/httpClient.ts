import http from 'node:http';
import { CookieJar } from 'tough-cookie';
import type { HttpClient, HttpRequestOptions, HttpResponse, HttpResponseHeaders } from '../scenario/types.ts';

const DEFAULT_TIMEOUT_MS = 30_000;
/** as browsers and requests do: a loop of redirects ends as an error, not a hung step */
const MAX_REDIRECTS = 10;
/** the failures of a connection closed under the request: the worker that held it exited */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE']);
/**
 * Retries of one request, each on a new connection and each owed to a worker exit of its own: a
 * pre-fork server recycles its workers at about the same count (gunicorn --max-requests without
 * jitter), so a retry can meet the next worker dying too. More exits than this under one request
 * is a crash loop, not a recycle, and is the step's error.
 */
export const MAX_RESET_RETRIES = 3;

/** A request that failed because its connection was reset, as the client asks the runner about it. */
export interface ResetFailure {
  method: string;
  url: string;
  /** "ECONNRESET socket hang up" */
  error: string;
  /** performance.now() when the request was sent */
  sentAt: number;
}

export interface HttpClientOptions {
  /**
   * The run's cookie jar, shared by every client of the run (a restarted service's too): cookies the
   * service sets are sent back, as a browser or a requests.Session does. null: none kept.
   */
  jar?: CookieJar | null;
  /**
   * Asked when a request fails with a reset connection: resolves to why it may be retried (a worker
   * of the tree exited at that moment: "worker pid 4242 exited"), or null when it may not. A retried
   * request goes again, on a new connection, as HTTP clients retry an idempotent request whose
   * reused connection was closed under it; a reset of the retry is asked about again (another worker
   * dying), up to MAX_RESET_RETRIES; any other failure, or a reset nothing explains, is the step's error.
   */
  retryOnReset?: (failure: ResetFailure) => Promise<string | null>;
  /** called as each request goes out, before it is sent (the retry's decider keeps the tree as of then) */
  beforeRequest?: () => void;
}

/** A new cookie jar for a run: the loose parse browsers use, so a server's slightly off cookie still counts. */
export function createCookieJar(): CookieJar {
  return new CookieJar(undefined, { looseMode: true });
}

class RequestFailure extends Error {
  constructor(message: string, readonly code: string | undefined, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * An HTTP client for steps. One connection per request (no agent, `Connection: close`): a keep-alive
 * socket of seep's own would sit in the target between steps and show up as a socket the target holds.
 * A non-2xx status is a response, not an error: steps assert on it. A connection error throws.
 * Cookies go to the run's jar and back; redirects are followed when a request asks (`redirect: 'follow'`).
 */
export function createHttpClient(baseUrl: string, opts: HttpClientOptions = {}): HttpClient {
  const root = baseUrl.replace(/\/+$/, '');
  const jar = opts.jar ?? null;

  /** one exchange on one new connection, cookies in and out */
  const exchange = (method: string, url: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, useJar: boolean) => {
    const sent = { ...headers };
    const cookie = useJar && jar ? jar.getCookieStringSync(url) : '';
    if (cookie) sent.cookie = sent.cookie ? `${sent.cookie}; ${cookie}` : cookie;
    return new Promise<{ res: http.IncomingMessage; body: string }>((resolve, reject) => {
      const fail = (why: string, code: string | undefined, cause?: unknown) => reject(new RequestFailure(`${method} ${url} failed: ${why}`, code, { cause }));
      const req = http.request(url, { method, headers: sent, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err: NodeJS.ErrnoException) => fail(`reading the response: ${err.message}`, err.code, err));
        res.on('end', () => {
          clearTimeout(timer);
          if (useJar && jar) {
            for (const line of res.headers['set-cookie'] ?? []) jar.setCookieSync(line, url, { ignoreError: true });
          }
          resolve({ res, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      // an overall deadline: req.setTimeout only measures idle time, and a trickling reply would never end
      const timer = setTimeout(() => {
        req.destroy(new Error(`no complete reply within ${timeoutMs} ms`));
      }, timeoutMs);
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(err.code ? `${err.code} ${err.message}` : err.message, err.code, err);
      });
      req.end(body);
    });
  };

  /** an exchange retried, on a new connection each time, while the runner says a worker's exit reset it */
  const exchangeOrRetry = async (...args: Parameters<typeof exchange>) => {
    const retried: string[] = [];
    for (;;) {
      opts.beforeRequest?.();
      const sentAt = performance.now();
      try {
        return await exchange(...args);
      } catch (err) {
        const why = err instanceof RequestFailure && err.code && RESET_CODES.has(err.code) && opts.retryOnReset && retried.length < MAX_RESET_RETRIES
          ? await opts.retryOnReset({ method: args[0], url: args[1], error: failedHow(err), sentAt })
          : null;
        if (why !== null) {
          retried.push(`${failedHow(err as Error)}: ${why}`);
          continue;
        }
        if (retried.length === 0) throw err;
        const times = retried.length === 1 ? 'once' : `${retried.length} times`;
        throw new Error(`${(err as Error).message} (retried ${times} on a new connection after ${retried.join('; then ')})`, { cause: err });
      }
    }
  };

  const request = async (method: string, path: string, ropts: HttpRequestOptions = {}): Promise<HttpResponse> => {
    let url = root + (path.startsWith('/') ? path : `/${path}`);
    const headers: Record<string, string> = { connection: 'close', ...lowerKeys(ropts.headers ?? {}) };
    let body: string | undefined = ropts.body;
    if (ropts.json !== undefined) {
      body = JSON.stringify(ropts.json);
      headers['content-type'] ??= 'application/json';
    } else if (ropts.form !== undefined) {
      body = new URLSearchParams(ropts.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    }
    const timeoutMs = ropts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const useJar = ropts.cookies !== false;
    const deadline = Date.now() + timeoutMs;
    for (let redirects = 0; ; redirects++) {
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      else delete headers['content-length'];
      const { res, body: text } = await exchangeOrRetry(method, url, headers, body, Math.max(1, deadline - Date.now()), useJar);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (ropts.redirect !== 'follow' || status < 300 || status > 399 || status === 304 || !location) return toResponse(method, url, res, text);
      if (redirects >= MAX_REDIRECTS) throw new Error(`${method} ${url} failed: more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:') throw new Error(`${method} ${url} redirected to ${next.href}: the step's client speaks plain http only`);
      // 303, and 301/302 after a POST as every browser does: the next request is a GET without a body
      if (status === 303 || ((status === 301 || status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      url = next.href;
    }
  };
  return {
    baseUrl: root,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, opts) => request('POST', path, opts),
    cookie: (name) => (jar ? jar.getCookiesSync(root + '/').find((c) => c.key === name)?.value : undefined),
  };
}

function toResponse(method: string, url: string, res: http.IncomingMessage, body: string): HttpResponse {
  // as Node gives them: Set-Cookie one entry per line (its values cannot be joined with ", "), every
  // other header one string, repeated ones joined with ", " as HTTP allows for list-valued fields
  const headers: HttpResponseHeaders = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    headers[k] = k === 'set-cookie' ? [v].flat() : Array.isArray(v) ? v.join(', ') : v;
  }
  return {
    status: res.statusCode ?? 0,
    url,
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

/** "ECONNRESET socket hang up": a failure's message without the request it names */
const failedHow = (err: Error) => err.message.replace(/^.* failed: /, '');

function lowerKeys(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}
