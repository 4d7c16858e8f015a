// HTTP load for a soak, with autocannon: phases of a k6-style profile (ramp-up, plateau,
// ramp-down), each a duration, a target request rate and a number of connections. Autocannon has
// no ramp, so the load runs as back-to-back slices of a few seconds, each at the rate the profile
// gives for its middle; every slice reports its requests, errors and latency percentiles, which is
// the per-interval record a soak wants anyway (latency that creeps up is a leak symptom too).
// Bounded: the slice loop ends at `totalMs` or on abort, whichever comes first, and one slice at a
// time holds autocannon's state.
import type autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import type { LoadPlan } from '../scenario/runPlan.ts';
import type { LatencySplit, SplitFigures } from './latencySplit.ts';

export interface LoadInterval {
  /** ms since the scenario started, at the end of the interval */
  t: number;
  /** how long the slice ran, ms */
  ms: number;
  /**
   * how long of it autocannon ran (its own duration, ms): the time the rate was asked of the target.
   * The rest is the generator's own, starting and stopping autocannon, and asks nothing
   */
  sentMs?: number;
  /** the rate asked of the slice, requests per second; null: as fast as the connections go */
  asked: number | null;
  /** the connections autocannon ran the slice with */
  connections?: number;
  /**
   * the time its connections waited for answers: every answer's latency, summed, ms. A connection
   * sends its next request only once the last is answered, so connections / mean latency caps the rate
   */
  waitedMs?: number;
  /** answers received */
  requests: number;
  /** failures: transport errors, and answers whose status the scenario does not count as a success */
  errors: number;
  /** answers counted as successes (2xx and 3xx unless the scenario says which) */
  successes: number;
  /** requests that got no answer, by why */
  transport: TransportErrors;
  /** answers by status class */
  statuses: StatusClasses;
  latencyP50: number;
  latencyP99: number;
  /**
   * with `disturbed`: the answered requests (status under 400) of this interval, and of every
   * interval since the LoadRun's markMeasured(), split by whether seep's checkpoints overlapped them
   */
  split?: { interval: SplitFigures; total: SplitFigures };
}

export interface TransportErrors {
  refused: number;
  reset: number;
  timeout: number;
  other: number;
}

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export type StatusClasses = Record<StatusClass, number>;
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** Why a request got no answer, as a load tester tells it: refused, reset (or a pipe broken), timed out. */
export function transportKind(err: unknown): keyof TransportErrors {
  const code = (err as { code?: string } | null)?.code;
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (code === 'ETIMEDOUT' || /timed out/.test((err as Error | null)?.message ?? '')) return 'timeout';
  return 'other';
}

/** Whether an answer's status is a success: `ok` lists statuses and classes ('2xx'); by default 2xx and 3xx. */
export function isSuccess(status: number, ok: LoadPlan['ok']): boolean {
  const list = ok ?? ['2xx', '3xx'];
  return list.some((o) => (typeof o === 'number' ? o === status : `${Math.floor(status / 100)}xx` === o));
}

export interface LoadSetting {
  /** requests per second across all connections; null: as fast as the connections go */
  rate: number | null;
  connections: number;
}

const DEFAULT_CONNECTIONS = 10;
const DEFAULT_SLICE_MS = 5000;
/** Below this many requests per second a slice sends nothing (the start of a ramp from 0). */
const MIN_RATE = 0.5;

/** The load the profile asks for `elapsedMs` after it started; past the last phase, the last one holds. */
export function loadAt(spec: Pick<LoadPlan, 'phases' | 'connections'>, elapsedMs: number): LoadSetting {
  let from: number | null = 0;
  let start = 0;
  let phase: LoadPlan['phases'][number] | undefined;
  for (const p of spec.phases) {
    const len = p.ms;
    phase = p;
    if (elapsedMs < start + len) {
      const to = p.rate ?? null;
      const rate = to === null ? null : from === null ? to : from + ((to - from) * (elapsedMs - start)) / len;
      return { rate, connections: p.connections ?? spec.connections ?? DEFAULT_CONNECTIONS };
    }
    from = p.rate ?? null;
    start += len;
  }
  return { rate: phase?.rate ?? null, connections: phase?.connections ?? spec.connections ?? DEFAULT_CONNECTIONS };
}

export interface LoadOptions {
  /** the target's base URL now; null while it is down (a restart): the slice is skipped */
  baseUrl: () => string | null;
  /** the load stops by itself this long after it started */
  totalMs: number;
  sliceMs?: number;
  /** ms since the scenario started */
  now: () => number;
  onInterval: (i: LoadInterval) => void;
  onError: (message: string) => void;
  signal: AbortSignal;
  /** whether a request that ran from start to end (performance.now() ms) overlapped one of seep's checkpoints */
  disturbed?: (start: number, end: number) => boolean;
}

export interface LoadRun {
  /** resolves when the last slice ended */
  done: Promise<void>;
  /** the split's totals count from here on: the measured phase begins */
  markMeasured(): void;
}

function assertLocal(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') {
    throw new Error(`load is only sent to this machine (127.0.0.1), not to ${host}`);
  }
}

type OnAnswer = (latencyMs: number, status: number) => void;

interface SliceResult {
  result: autocannon.Result;
  transport: TransportErrors;
  connections: number;
  waitedMs: number;
}

function slice(cannon: typeof autocannon, url: string, spec: LoadPlan, setting: LoadSetting & { rate: number | null }, ms: number, signal: AbortSignal, onAnswer?: OnAnswer): Promise<SliceResult> {
  const transport: TransportErrors = { refused: 0, reset: 0, timeout: 0, other: 0 };
  // each answer's own latency, summed (autocannon's mean, asked a rate, is not one: see below)
  let waitedMs = 0;
  const rate = setting.rate === null ? undefined : Math.max(1, Math.round(setting.rate));
  // more connections than requests per second only hold idle sockets in the target
  const connections = rate === undefined ? setting.connections : Math.max(1, Math.min(setting.connections, rate));
  return new Promise((resolve, reject) => {
    const inst = cannon({
      url,
      connections,
      overallRate: rate,
      // the answers' latencies as they were: asked a rate, autocannon 9 otherwise records every answer
      // of L ms as L values, L, L - 1 ... 1 (coordinated omission 'corrected' at an expected interval of
      // ceil(1 / rate) ms, 1 ms at any rate), so each answer weighs its latency in the percentiles. 1 answer
      // in 10 held 200 ms, the rest at once, 20 a second: p50 read 96 ms of answers that mostly took under 2
      // (loadGenerator.test.ts). What a closed loop does not send while an answer is late is the
      // load.achievedRate check's: the rate achieved
      ignoreCoordinatedOmission: true,
      duration: ms / 1000,
      requests: spec.requests.map((r) => ({ method: (r.method ?? 'GET') as 'GET', path: r.path, body: r.body, headers: r.headers })),
    }, (err, result) => {
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve({ result, transport, connections, waitedMs });
    });
    inst.on('reqError', (e: unknown) => void transport[transportKind(e)]++);
    const onAbort = () => inst.stop();
    signal.addEventListener('abort', onAbort, { once: true });
    inst.on('response', (_client: unknown, status: number, _bytes: number, latencyMs: number) => {
      waitedMs += latencyMs;
      onAnswer?.(latencyMs, status);
    });
  });
}

const wait = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const timer = setTimeout(done, ms);
  function done() {
    clearTimeout(timer);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

type LoadTools = [{ default: typeof autocannon }, typeof import('./latencySplit.ts')];
let tools: Promise<LoadTools> | null = null;

/**
 * Loads autocannon and the latency histograms, once per process. Not at seep's start (0.4 s of CPU
 * a run without load never needs), but as soon as a run knows it will send load: a soak calls it
 * before its target starts, so the loading overlaps the target's start-up. Loaded at the first slice
 * instead (0.38 s of CPU), beside five CPU hogs the load of a 25 s gunicorn soak began 3.8-6.1 s
 * after its first step; loaded early, 0.1-0.6 s after it.
 */
export function loadTools(): Promise<LoadTools> {
  tools ??= Promise.all([import('autocannon'), import('./latencySplit.ts')]);
  return tools;
}

export function runLoad(spec: LoadPlan, opts: LoadOptions): LoadRun {
  const sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
  const started = opts.now();
  const maxSlices = Math.ceil(opts.totalMs / Math.max(1, sliceMs)) + 2;
  const { disturbed } = opts;
  let split: LatencySplit | null = null;
  // an answer's request ran from (now - its latency) to now
  const onAnswer: OnAnswer | undefined = disturbed
    ? (latencyMs, status) => {
      if (status >= 400) return;
      const end = performance.now();
      split?.record(latencyMs, disturbed(end - latencyMs, end));
    }
    : undefined;
  const done = (async () => {
    // no answer is recorded before the tools are loaded, so mark() loses none
    const [{ default: cannon }, { createLatencySplit }] = await loadTools();
    if (disturbed) split = createLatencySplit();
    for (let n = 0; n < maxSlices && !opts.signal.aborted; n++) {
      const elapsed = opts.now() - started;
      const left = opts.totalMs - elapsed;
      if (left < 50) break;
      const ms = Math.min(sliceMs, left);
      const setting = loadAt(spec, elapsed + ms / 2);
      const url = opts.baseUrl();
      if (url === null || (setting.rate !== null && setting.rate < MIN_RATE)) {
        await wait(ms, opts.signal);
        continue;
      }
      try {
        assertLocal(url);
        const sliceStart = opts.now();
        const { result: r, transport, connections, waitedMs } = await slice(cannon, url, spec, setting, ms, opts.signal, onAnswer);
        const statuses = Object.fromEntries(STATUS_CLASSES.map((c) => [c, 0])) as StatusClasses;
        let successes = 0;
        for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) {
          const status = Number(code);
          const cls = `${Math.floor(status / 100)}xx` as StatusClass;
          const n = stat.count ?? 0;
          if (cls in statuses) statuses[cls] += n;
          if (isSuccess(status, spec.ok)) successes += n;
        }
        const transportTotal = transport.refused + transport.reset + transport.timeout + transport.other;
        // autocannon counts a timeout among its errors too; one it did not report as a reqError is 'other'
        transport.other += Math.max(0, r.errors - transportTotal);
        const t = opts.now();
        opts.onInterval({
          t,
          ms: Math.max(1, t - sliceStart),
          sentMs: Math.max(1, Math.min(t - sliceStart, r.duration * 1000)),
          asked: setting.rate === null ? null : Math.max(1, Math.round(setting.rate)),
          connections,
          waitedMs,
          requests: r.requests.total,
          errors: Math.max(r.errors, transportTotal) + (r.requests.total - successes),
          successes,
          transport,
          statuses,
          latencyP50: r.latency.p50,
          latencyP99: r.latency.p99,
          ...(split ? { split: { interval: split.interval(), total: split.total() } } : {}),
        });
      } catch (err) {
        split?.interval(); // what it answered is in no interval
        opts.onError(`load slice failed: ${(err as Error).message}`);
        await wait(ms, opts.signal);
      }
    }
  })();
  return { done, markMeasured: () => split?.mark() };
}
