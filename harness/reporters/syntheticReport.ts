// Reports built from numbers, not from runs: every reporter is tested (and benched) against these.
// Three scenarios: one that passes, one whose RSS climbs through its budget line while CLOSE_WAIT
// sockets pile up and whose output tries to inject markup, and one that errored before measuring.
// On request, a fourth: a 6-hour soak under load with recycled workers, a restart and alerts.
// The numbers are stated, not judged: each check carries its fitted line and chart line, and the
// headline growth is the rssGrowth check's figure, as the analysis writes them.
import { runOutcome } from '../verdict/verdict.ts';
import { METRICS, SCHEMA_VERSION, type LoadColumns, type Metric, type ProcessLife, type Phase, type Report, type ScenarioReport, type SeriesColumns, type TcpState } from '../report/schema.ts';

export const HOSTILE_LINES = ['<script>alert(1)</script>', '</textarea><img src=x onerror=alert(2)>', 'a & b "quoted" \'single\' \u001b[31mred\u001b[0m'];

export interface SyntheticOptions {
  /** measured iterations per scenario (warmup is 5 more) */
  iterations?: number;
  /** timer samples per scenario */
  timedPoints?: number;
  runId?: string;
  startedAt?: string;
  /** which scenarios to include, by verdict (all three by default) */
  verdicts?: ScenarioReport['verdict'][];
  /** add the soak scenario (load, seep's RSS, processes, restarts, alerts), whatever `verdicts` says */
  soak?: boolean;
}

const WARMUP = 5;
const MB = 1e6;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

type ValueFn = (progress: number, phase: Phase, rand: () => number) => Partial<Record<Metric, number | null>> & { tcp?: Partial<Record<TcpState, number>> };

function columns(count: number, warmup: number, boundaries: boolean, durationMs: number, fn: ValueFn, seed: number): SeriesColumns {
  const rand = seeded(seed);
  const values = Object.fromEntries(METRICS.map((m) => [m, [] as (number | null)[]])) as Record<Metric, (number | null)[]>;
  const cols: SeriesColumns = { t: [], iteration: [], phase: [], values, tcp: {} };
  for (let i = 0; i < count; i++) {
    const progress = count === 1 ? 1 : i / (count - 1);
    const phase: Phase = i < warmup ? 'warmup' : i === count - 1 && !boundaries ? 'settle' : 'measured';
    cols.t.push(Math.round(progress * durationMs));
    cols.iteration.push(boundaries ? i : null);
    cols.phase.push(phase);
    const v = fn(progress, phase, rand);
    for (const m of METRICS) values[m].push(v[m] === undefined ? null : v[m]!);
    for (const [state, n] of Object.entries(v.tcp ?? {}) as [TcpState, number][]) {
      (cols.tcp[state] ??= new Array<number>(i).fill(0)).push(n);
    }
    for (const arr of Object.values(cols.tcp)) if (arr.length < i + 1) arr.push(0);
  }
  return cols;
}

const passingValues: ValueFn = (p, _phase, r) => ({
  rss: 80 * MB + Math.min(p, 0.2) * 20 * MB + r() * 0.5 * MB,
  pss: 70 * MB + Math.min(p, 0.2) * 20 * MB,
  cpu: 10 + r() * 5,
  heapUsed: 20 * MB + r() * MB,
  heapCommitted: 32 * MB + r() * MB,
  fds: 24, fdFile: 10, fdSocket: 4, fdPipe: 6, fdOther: 4,
  sockets: 4, threads: 11, children: 0, escaped: 0,
  tcp: { LISTEN: 1, ESTABLISHED: 3 },
});

const leakingValues: ValueFn = (p, _phase, r) => {
  const leaked = Math.round(p * 40);
  return {
    rss: 90 * MB + p * 120 * MB + r() * MB,
    pss: 85 * MB + p * 118 * MB,
    cpu: 20 + r() * 10,
    heapUsed: 30 * MB + p * 100 * MB,
    fds: 30 + leaked, fdFile: 10, fdSocket: 6 + leaked, fdPipe: 6, fdOther: 8,
    sockets: 6 + leaked, threads: 12, children: 1, escaped: 0,
    tcp: { LISTEN: 1, ESTABLISHED: 5, CLOSE_WAIT: leaked },
  };
};

function scenario(name: string, file: string, verdict: ScenarioReport['verdict'], iterations: number, timedPoints: number, fn: ValueFn, seed: number): ScenarioReport {
  const total = iterations + WARMUP;
  const durationMs = total * 200;
  return {
    name,
    file,
    verdict,
    startedAt: '2025-01-01T10:00:00.000Z',
    finishedAt: new Date(Date.parse('2025-01-01T10:00:00.000Z') + durationMs).toISOString(),
    durationMs,
    target: { kind: 'service', runtime: 'node', command: ['node', 'fixtures/app/server.js', '--port', '{port}'] },
    iterations: { warmup: WARMUP, measured: iterations },
    checks: [],
    headlines: { rssGrowth: null },
    series: {
      boundaries: columns(total, WARMUP, true, durationMs, fn, seed),
      timed: columns(timedPoints, Math.round((WARMUP / total) * timedPoints), false, durationMs, fn, seed + 1),
      timedCount: timedPoints,
      downsampled: false,
    },
    suspects: [],
    output: { tail: [], totalLines: 0, forbidCounts: {}, forbidExamples: {} },
  };
}

function passingScenario(iterations: number, timedPoints: number): ScenarioReport {
  const passing = scenario('cache stays bounded', 'scenarios/cache.scenario.ts', 'pass', iterations, timedPoints, passingValues, 1);
  const baseline = passing.series.boundaries.values.rss[WARMUP - 1]!;
  passing.headlines.rssGrowth = { growth: 4.2 * MB, baseline };
  passing.checks = [
    { id: 'budget.rssGrowth', resource: 'rss', kind: 'budget', limit: '50MB', limitValue: 50 * MB, baselineValue: baseline, observed: 4.2 * MB, unit: 'B', pass: true, message: 'RSS grew 4.2 MB, within 50MB',
      series: 'rss', limitLine: baseline + 50 * MB,
      trend: { verdict: 'bounded', reason: 'plateau from iteration 12', slope: 1200, low: -300, high: 2500, confidence: 0.95, unit: 'B', per: 'iteration', pValue: 0.41, plateauAt: 12,
        intercept: baseline + 4 * MB, interceptX: WARMUP + 12, endX: iterations + WARMUP - 1, samplesUsed: { series: 'boundaries', from: WARMUP, to: iterations + WARMUP - 1, count: iterations } } },
    { id: 'budget.sockets', resource: 'sockets', kind: 'budget', limit: 'baseline+2', limitValue: 6, baselineValue: 4, observed: 4, unit: 'sockets', pass: true, message: '4 sockets at the end, baseline 4',
      series: 'sockets', limitLine: 6 },
  ];
  passing.output = { tail: [{ stream: 'stdout', t: 10, text: 'listening on 127.0.0.1:4100' }], totalLines: 1, forbidCounts: {}, forbidExamples: {} };
  return passing;
}

function failingScenario(iterations: number, timedPoints: number): ScenarioReport {
  const failing = scenario('session map leaks <b>', 'scenarios/sessions.scenario.ts', 'fail', iterations, timedPoints, leakingValues, 2);
  const rss = failing.series.boundaries.values.rss;
  const baseline = rss[WARMUP]!;
  const growth = rss.at(-1)! - baseline;
  failing.headlines.rssGrowth = { growth, baseline };
  const slope = (120 * MB) / (total(iterations) - 1);
  const sockets = failing.series.boundaries.values.sockets[WARMUP]!;
  failing.checks = [
    { id: 'budget.rssGrowth', resource: 'rss', kind: 'budget', limit: '50MB', limitValue: 50 * MB, baselineValue: baseline, observed: growth, unit: 'B', pass: false,
      series: 'rss', limitLine: baseline + 50 * MB,
      message: `RSS grew ${(growth / MB).toFixed(1)} MB over ${iterations} iterations, budget 50MB`,
      trend: { verdict: 'leak', reason: 'no plateau, Mann–Kendall p<0.001 (Hamed–Rao corrected)', slope, low: 1.9 * MB, high: 2.1 * MB, confidence: 0.95, unit: 'B', per: 'iteration', pValue: 0.0001, plateauAt: null,
        intercept: baseline, interceptX: WARMUP, endX: iterations + WARMUP - 1, samplesUsed: { series: 'boundaries', from: WARMUP, to: iterations + WARMUP - 1, count: iterations } } },
    { id: 'leak.sockets', resource: 'sockets', kind: 'leak', limit: 'baseline', limitValue: sockets, baselineValue: sockets, observed: 46, unit: 'sockets', pass: false, message: '40 sockets left in CLOSE_WAIT after settle <not closed>',
      series: 'sockets', limitLine: sockets,
      leftovers: [{ kind: 'socket', id: 'inode 991', detail: '127.0.0.1:4101 -> 127.0.0.1:5432 CLOSE_WAIT <upstream>' }] },
    { id: 'budget.output.forbid:/Unhandled/', resource: 'output', kind: 'budget', limit: '/Unhandled/', limitValue: 0, observed: 2, unit: 'lines', pass: false, message: '2 lines matched /Unhandled/' },
  ];
  failing.suspects = [
    { runtime: 'node', kind: 'constructor', name: 'Session<Map>', countDelta: 600, perIteration: 10, bytesDelta: 48 * MB, where: ['(GC roots)', 'Map @123 <script>', 'sessions in server.js:42'] },
    { runtime: 'node', kind: 'handle', name: 'Socket', countDelta: 40, perIteration: 0.67, bytesDelta: 0, where: ['TCPWRAP', 'net.connect at upstream.js:9'] },
  ];
  failing.output = {
    tail: [
      { stream: 'stdout', t: 5, text: 'listening on 127.0.0.1:4101' },
      ...HOSTILE_LINES.map((text, i) => ({ stream: 'stdout' as const, t: 100 + i, text })),
      { stream: 'stderr', t: 900, text: 'Unhandled rejection: </textarea><script>alert(3)</script>', forbidden: '/Unhandled/' },
      { stream: 'stderr', t: 950, text: 'Unhandled rejection: ECONNRESET', forbidden: '/Unhandled/' },
    ],
    totalLines: 6,
    forbidCounts: { '/Unhandled/': 2 },
    forbidExamples: { '/Unhandled/': ['Unhandled rejection: </textarea><script>alert(3)</script>'] },
  };
  failing.probeErrors = ['fds: cannot read /proc/4242/fd: EACCES <denied>'];
  return failing;
}

function erroredScenario(): ScenarioReport {
  const errored = scenario('worker never ready', 'scenarios/worker.scenario.ts', 'error', 0, 4, passingValues, 3);
  errored.error = 'service did not become ready within 10000 ms: no line matching /ready/ on stdout <timeout>';
  errored.checks = [];
  return errored;
}

const HOUR = 3_600_000;
/** the soak's numbers that tests read back from the views */
export const SOAK = {
  durationMs: 6 * HOUR,
  loadIntervalMs: 5000,
  /** requests per load interval: 200/s */
  requestsPerInterval: 1000,
  /** one slow interval: the p99 chart must keep it through downsampling */
  latencySpikeMs: 1850,
  latencyBudgetMs: 1000,
  seepPeak: 96.5 * MB,
  seepBudget: 300 * MB,
  /** the largest peak a recycled worker reached */
  maxRecycledPeak: 212 * MB,
  recycled: 6,
  restarts: 1,
} as const;

/** Workers recycled every hour, each peaking higher than the last: the leak hides in the peaks. */
function soakProcesses(): ProcessLife[] {
  const lives: ProcessLife[] = [];
  for (let i = 0; i < SOAK.recycled; i++) {
    const peak = i === 4 ? SOAK.maxRecycledPeak : 150 * MB + i * 10 * MB;
    lives.push({ pid: 3100 + i, command: `python3 server.py --worker ${i} <w>`, startedAt: i * HOUR + 5000, endedAt: (i + 1) * HOUR, peakRss: peak, end: 'recycled' });
  }
  lives.push({ pid: 3000, command: 'python3 server.py --port 4100', startedAt: 0, endedAt: 2.5 * HOUR, peakRss: 310 * MB, end: 'SIGKILL' });
  lives.push({ pid: 3200, command: 'python3 server.py --port 4100', startedAt: 2.5 * HOUR + 800, endedAt: null, peakRss: 240 * MB, end: 'running' });
  lives.push({ pid: 3106, command: 'python3 server.py --worker 6 <w>', startedAt: 6 * HOUR - 50_000, endedAt: null, peakRss: 120 * MB, end: 'running' });
  // unsorted on purpose, as a report may hold them (ended first): views sort by start
  return lives;
}

function soakScenario(): ScenarioReport {
  const checkpoints = 72; // every 5 minutes
  const timedPoints = 2160; // every 10 s
  const soakValues: ValueFn = (p, _phase, r) => ({ ...passingValues(p, 'measured', r), rss: 300 * MB + p * 220 * MB + r() * 2 * MB, pss: null, heapUsed: null });
  const s = scenario('checkout soak <i>', 'scenarios/checkout.soak.ts', 'fail', checkpoints - 1, timedPoints, soakValues, 4);
  s.durationMs = SOAK.durationMs;
  s.finishedAt = new Date(Date.parse(s.startedAt) + SOAK.durationMs).toISOString();
  s.target = { kind: 'service', command: ['python3', 'server.py', '--port', '{port}'] };
  s.iterations = { warmup: 1, measured: 4300 };
  s.series.boundaries = columns(checkpoints, 1, true, SOAK.durationMs, soakValues, 5);
  s.series.timed = columns(timedPoints, 100, false, SOAK.durationMs, soakValues, 6);
  const n = SOAK.durationMs / SOAK.loadIntervalMs;
  const rand = seeded(7);
  const load: LoadColumns = { intervalMs: SOAK.loadIntervalMs, t: [], requests: [], errors: [], latencyP50: [], latencyP99: [] };
  for (let i = 0; i < n; i++) {
    load.t.push((i + 1) * SOAK.loadIntervalMs);
    load.requests.push(SOAK.requestsPerInterval);
    load.errors.push(i % 500 === 250 ? 15 : 0);
    load.latencyP50.push(12 + rand() * 4);
    load.latencyP99.push(i === 3001 ? SOAK.latencySpikeMs : 120 + rand() * 60);
  }
  s.series.load = load;
  const seepT: number[] = [];
  const seepRss: number[] = [];
  for (let t = 0; t < SOAK.durationMs; t += 5000) {
    seepT.push(t);
    seepRss.push(t === 3 * HOUR ? SOAK.seepPeak : 90 * MB + (t / SOAK.durationMs) * 5 * MB);
  }
  s.series.seepRss = { t: seepT, rss: seepRss };
  s.processes = soakProcesses();
  s.restarts = SOAK.restarts;
  s.alerts = [
    { t: 1.9 * HOUR, level: 'warning', resource: 'rss', message: 'RSS 401.2 MB crossed the warning threshold 400.0 MB' },
    { t: 3.1 * HOUR, level: 'warning', resource: 'rss', message: 'RSS 400.5 MB crossed the warning threshold 400.0 MB <again>' },
    { t: 5.4 * HOUR, level: 'critical', resource: 'rss', message: 'RSS 500.3 MB crossed the critical threshold 500.0 MB' },
  ];
  const slope = (220 * MB) / 6;
  const fromHours = s.series.timed.t[100]! / HOUR;
  const b = s.series.boundaries.values.rss;
  s.headlines.rssGrowth = { growth: b.at(-1)! - b[0]!, baseline: b[0]! };
  s.headlines.latencyP99 = { median: 150, worst: SOAK.latencySpikeMs };
  s.checks = [
    { id: 'budget.rssSlope', resource: 'rss', kind: 'budget', limit: '10MB/h', limitValue: 10 * MB, observed: slope, unit: 'B/h', pass: false, message: `RSS grew ${(slope / MB).toFixed(1)} MB/h, budget 10MB/h`,
      series: 'rss',
      trend: { verdict: 'leak', reason: 'no plateau, Mann–Kendall p<0.001 (Hamed–Rao corrected)', slope, low: slope * 0.95, high: slope * 1.05, confidence: 0.95, unit: 'B', per: 'hour', pValue: 0.0001, plateauAt: null,
        intercept: 300 * MB + fromHours * slope, interceptX: fromHours, endX: s.series.timed.t.at(-1)! / HOUR, samplesUsed: { series: 'timed', from: 100, to: timedPoints - 1, count: timedPoints - 100 } } },
    { id: 'budget.latencyP99', resource: 'latency', kind: 'budget', limit: '1s', limitValue: SOAK.latencyBudgetMs, observed: 176.4, unit: 'ms', pass: true, message: `p99 latency 176.4 ms in 95% of ${n} load intervals (worst ${SOAK.latencySpikeMs} ms)`,
      series: 'latencyP99', limitLine: SOAK.latencyBudgetMs },
    { id: 'budget.seepRss', resource: 'seep', kind: 'budget', limit: '300MB', limitValue: SOAK.seepBudget, observed: SOAK.seepPeak, unit: 'B', pass: true, message: "seep's own RSS peaked at 96.5 MB (budget 300.0 MB)",
      series: 'seepRss', limitLine: SOAK.seepBudget },
    { id: 'alert.rss.warning', resource: 'rss', kind: 'budget', limit: '400MB', limitValue: 400 * MB, observed: 521 * MB, unit: 'B', pass: true, message: 'RSS crossed the warning threshold 400.0 MB 2 time(s), first at 1h54m',
      series: 'rss', limitLine: 400 * MB },
    { id: 'alert.rss.critical', resource: 'rss', kind: 'budget', limit: '500MB', limitValue: 500 * MB, observed: 521 * MB, unit: 'B', pass: false, message: 'RSS crossed the critical threshold 500.0 MB 1 time(s), first at 5h24m',
      series: 'rss', limitLine: 500 * MB },
  ];
  s.output = { tail: [{ stream: 'stdout', t: 10, text: 'master listening on 127.0.0.1:4100' }], totalLines: 1, forbidCounts: {}, forbidExamples: {} };
  return s;
}

export function syntheticReport(opts: SyntheticOptions = {}): Report {
  const iterations = opts.iterations ?? 60;
  const timedPoints = opts.timedPoints ?? 300;
  const want = (v: ScenarioReport['verdict']): boolean => !opts.verdicts || opts.verdicts.includes(v);
  const scenarios: ScenarioReport[] = [];
  if (want('pass')) scenarios.push(passingScenario(iterations, timedPoints));
  if (want('fail')) scenarios.push(failingScenario(iterations, timedPoints));
  if (want('error')) scenarios.push(erroredScenario());
  if (opts.soak) scenarios.push(soakScenario());

  return {
    schemaVersion: SCHEMA_VERSION,
    seepVersion: '0.1.0',
    runId: opts.runId ?? '2025-01-01T10-00-00Z-synthetic',
    startedAt: opts.startedAt ?? '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:05:00.000Z',
    host: { hostname: 'ci-1', platform: 'linux', arch: 'x64', cpus: 2, totalMemBytes: 8e9, node: 'v20.19.0' },
    ...runOutcome(scenarios),
    scenarios,
  };
}

function total(iterations: number): number {
  return iterations + WARMUP;
}
