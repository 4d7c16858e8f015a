// Reports built from numbers, not from runs: every reporter is tested (and benched) against these.
// Three scenarios: one that passes, one whose RSS climbs through its budget line while CLOSE_WAIT
// sockets pile up and whose output tries to inject markup, and one that errored before measuring.
import { METRICS, SCHEMA_VERSION, type Metric, type Phase, type Report, type ScenarioReport, type SeriesColumns, type TcpState } from '../report/schema.ts';

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
  passing.checks = [
    { id: 'budget.rssGrowth', resource: 'rss', kind: 'budget', limit: '50MB', limitValue: 50 * MB, observed: 4.2 * MB, unit: 'B', pass: true, message: 'RSS grew 4.2 MB, within 50MB',
      trend: { verdict: 'bounded', reason: 'plateau from iteration 12', slope: 1200, low: -300, high: 2500, confidence: 0.95, unit: 'B', per: 'iteration', pValue: 0.41, plateauAt: 12, samplesUsed: { series: 'boundaries', from: WARMUP, to: iterations + WARMUP - 1, count: iterations } } },
    { id: 'budget.sockets', resource: 'sockets', kind: 'budget', limit: 'baseline+2', limitValue: 6, observed: 4, unit: 'sockets', pass: true, message: '4 sockets at the end, baseline 4' },
  ];
  passing.output = { tail: [{ stream: 'stdout', t: 10, text: 'listening on 127.0.0.1:4100' }], totalLines: 1, forbidCounts: {}, forbidExamples: {} };
  return passing;
}

function failingScenario(iterations: number, timedPoints: number): ScenarioReport {
  const failing = scenario('session map leaks <b>', 'scenarios/sessions.scenario.ts', 'fail', iterations, timedPoints, leakingValues, 2);
  const rss = failing.series.boundaries.values.rss;
  const growth = rss.at(-1)! - rss[WARMUP]!;
  failing.checks = [
    { id: 'budget.rssGrowth', resource: 'rss', kind: 'budget', limit: '50MB', limitValue: 50 * MB, observed: growth, unit: 'B', pass: false,
      message: `RSS grew ${(growth / MB).toFixed(1)} MB over ${iterations} iterations, budget 50MB`,
      trend: { verdict: 'leak', reason: 'no plateau, Mann–Kendall p<0.001 (Hamed–Rao corrected)', slope: (120 * MB) / (total(iterations) - 1), low: 1.9 * MB, high: 2.1 * MB, confidence: 0.95, unit: 'B', per: 'iteration', pValue: 0.0001, plateauAt: null, samplesUsed: { series: 'boundaries', from: WARMUP, to: iterations + WARMUP - 1, count: iterations } } },
    { id: 'leak.sockets', resource: 'sockets', kind: 'leak', limit: 'baseline', limitValue: failing.series.boundaries.values.sockets[WARMUP]!, observed: 46, unit: 'sockets', pass: false, message: '40 sockets left in CLOSE_WAIT after settle <not closed>',
      leftovers: [{ kind: 'socket', id: 'inode 991', detail: '127.0.0.1:4101 -> 127.0.0.1:5432 CLOSE_WAIT <upstream>' }] },
    { id: 'budget.output.forbid', resource: 'output', kind: 'budget', limit: '/Unhandled/', limitValue: 0, observed: 2, unit: 'lines', pass: false, message: '2 lines matched /Unhandled/' },
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

export function syntheticReport(opts: SyntheticOptions = {}): Report {
  const iterations = opts.iterations ?? 60;
  const timedPoints = opts.timedPoints ?? 300;
  const want = (v: ScenarioReport['verdict']): boolean => !opts.verdicts || opts.verdicts.includes(v);
  const scenarios: ScenarioReport[] = [];
  if (want('pass')) scenarios.push(passingScenario(iterations, timedPoints));
  if (want('fail')) scenarios.push(failingScenario(iterations, timedPoints));
  if (want('error')) scenarios.push(erroredScenario());

  return {
    schemaVersion: SCHEMA_VERSION,
    seepVersion: '0.1.0',
    runId: opts.runId ?? '2025-01-01T10-00-00Z-synthetic',
    startedAt: opts.startedAt ?? '2025-01-01T10:00:00.000Z',
    finishedAt: '2025-01-01T10:05:00.000Z',
    host: { hostname: 'ci-1', platform: 'linux', arch: 'x64', cpus: 2, totalMemBytes: 8e9, node: 'v20.19.0' },
    exitCode: 1,
    scenarios,
  };
}

function total(iterations: number): number {
  return iterations + WARMUP;
}
