// Prometheus' HTTP API, the one call seep needs of it: a range query (/api/v1/query_range), whose
// series come back aligned on the step grid. Prometheus is the distributed engine that already
// reaches every replica, so seep reads what it scraped rather than run agents of its own on other
// machines. Every failure is a PrometheusError with one line to print: the server not reached, the
// query refused (with Prometheus' own message), or an answer that is not Prometheus'.

export interface PromPoint {
  /** ms since the epoch */
  t: number;
  v: number;
}

export interface PromSeries {
  /** the series' labels, `__name__` included where the query kept it */
  labels: Record<string, string>;
  points: PromPoint[];
}

export interface RangeQuery {
  query: string;
  startMs: number;
  endMs: number;
  stepMs: number;
}

export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

/** How long one query may take: Prometheus' own default query timeout is 2 minutes. */
const QUERY_TIMEOUT_MS = 120_000;

interface ApiAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: { metric?: Record<string, string>; values?: [number, string][] }[] };
  warnings?: string[];
}

function apiUrl(base: string, endpoint: string): string {
  const url = new URL(base);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/${endpoint}`;
  return url.toString();
}

/** Why fetch failed, in the words of the socket: ECONNREFUSED, ENOTFOUND, a timeout. */
function networkCause(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return `no answer within ${QUERY_TIMEOUT_MS / 1000} s`;
  return e.cause?.code ?? e.cause?.message ?? e.message;
}

/** The query's series over the range. Points Prometheus gives as NaN or ±Inf are left out. */
export async function queryRange(base: string, q: RangeQuery, opts: { signal?: AbortSignal } = {}): Promise<{ series: PromSeries[]; warnings: string[] }> {
  let url: string;
  try {
    url = apiUrl(base, 'query_range');
  } catch {
    throw new PrometheusError(`not a URL: '${base}' (expected one such as http://prometheus:9090)`);
  }
  const body = new URLSearchParams({
    query: q.query,
    start: (q.startMs / 1000).toFixed(3),
    end: (q.endMs / 1000).toFixed(3),
    step: `${q.stepMs / 1000}s`,
  });
  const signal = opts.signal ? AbortSignal.any([opts.signal, AbortSignal.timeout(QUERY_TIMEOUT_MS)]) : AbortSignal.timeout(QUERY_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers: { accept: 'application/json' }, signal });
  } catch (err) {
    throw new PrometheusError(`cannot reach Prometheus at ${base}: ${networkCause(err)}`, { cause: err });
  }
  const text = await res.text().catch(() => '');
  let answer: ApiAnswer;
  try {
    answer = JSON.parse(text) as ApiAnswer;
  } catch {
    const start = text.trim().split('\n')[0]?.slice(0, 120) ?? '';
    throw new PrometheusError(`${base} did not answer as Prometheus' HTTP API (HTTP ${res.status} at ${new URL(url).pathname}${start ? `: ${start}` : ''})`);
  }
  if (answer.status !== 'success') {
    const what = answer.error ?? `HTTP ${res.status}`;
    throw new PrometheusError(`Prometheus at ${base} refused the query ${q.query}: ${what}${answer.errorType ? ` (${answer.errorType})` : ''}`);
  }
  if (answer.data?.resultType !== 'matrix' || !Array.isArray(answer.data.result)) {
    throw new PrometheusError(`Prometheus at ${base} answered the range query ${q.query} with a ${answer.data?.resultType ?? 'missing'} result, not a matrix`);
  }
  const series = answer.data.result.map((r) => ({
    labels: r.metric ?? {},
    points: (r.values ?? [])
      .map(([ts, v]) => ({ t: Math.round(ts * 1000), v: Number(v) }))
      .filter((p) => Number.isFinite(p.v)),
  }));
  return { series, warnings: answer.warnings ?? [] };
}
