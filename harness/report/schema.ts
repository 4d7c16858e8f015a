// The JSON report schema, defined once. Every stage downstream of the runner speaks these types;
// reporters read nothing else, so `seep report` can re-render any stored run.
// Bump SCHEMA_VERSION on any change that an old reader would misread.

export const SCHEMA_VERSION = 1 as const;

export type Verdict = 'pass' | 'fail' | 'error';
export type ExitCode = 0 | 1 | 2;

export const RESOURCES = ['rss', 'heap', 'fds', 'sockets', 'threads', 'children', 'orphans', 'output', 'files', 'latency', 'seep', 'steps'] as const;
export type Resource = (typeof RESOURCES)[number];

export type Phase = 'warmup' | 'measured' | 'settle';

/** Numeric columns every sample carries. Byte values are bytes; cpu is percent of one core. */
export const METRICS = [
  'rss', // resident set size of the whole process tree
  'pss', // proportional set size of the tree, where smaps_rollup is readable (else null)
  'cpu',
  'heapUsed', // runtime heap after GC from the agent (V8 used heap + external Buffers / Python tracemalloc current), else null
  'fds',
  'fdFile',
  'fdSocket',
  'fdPipe',
  'fdOther',
  'sockets', // inet sockets (tcp, tcp6) owned by the tree
  'threads',
  'children', // processes in the tree other than the root
  'escaped', // processes carrying the run cookie that are no longer in the tree
  'heapCommitted', // memory the runtime holds for its heap (V8 total heap size + external), where it says; else null
] as const;
export type Metric = (typeof METRICS)[number];

/** TCP states as named by the kernel (include/net/tcp_states.h). */
export const TCP_STATES = [
  'ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT',
  'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING', 'NEW_SYN_RECV',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** One observation of the target's process tree. Produced by probes/sampler.ts. */
export interface Sample {
  /** ms since the scenario started */
  t: number;
  /** iteration index (0-based, counting warmup first) at a boundary sample; null for timed samples */
  iteration: number | null;
  phase: Phase;
  values: Record<Metric, number | null>;
  tcp: Partial<Record<TcpState, number>>;
  pids: number[];
}

/** Samples stored column-wise: charts and analysis both want arrays. All arrays have the same length. */
export interface SeriesColumns {
  t: number[];
  iteration: (number | null)[];
  phase: Phase[];
  values: Record<Metric, (number | null)[]>;
  tcp: Partial<Record<TcpState, number[]>>;
}

export interface ScenarioSeries {
  /** one sample at the end of every iteration (after a forced GC where the runtime allows), warmup included */
  boundaries: SeriesColumns;
  /** timer samples (default 4 Hz); downsampled with peaks kept when long */
  timed: SeriesColumns;
  /** how many timed samples were taken before downsampling */
  timedCount: number;
  /** true when `timed` holds fewer points than were taken */
  downsampled: boolean;
  /** load results per interval, for services under autocannon load (soak) */
  load?: LoadColumns;
  /** seep's own RSS, sampled like a target's */
  seepRss?: { t: number[]; rss: number[] };
}

export interface LoadColumns {
  /** how long one load interval lasted: each row holds counts per interval (merged rows hold the mean) */
  intervalMs?: number;
  t: number[];
  requests: number[];
  errors: number[];
  latencyP50: number[];
  latencyP99: number[];
}

/** The growth judgement for one series (analysis/trend). */
export interface TrendResult {
  verdict: 'leak' | 'bounded' | 'inconclusive';
  /** why, in words: "no plateau, Mann–Kendall p<0.001 (Hamed–Rao corrected)", "plateau from iteration 12" */
  reason: string;
  /** robust slope, in `unit` per `per` */
  slope: number;
  low: number;
  high: number;
  /** confidence level of [low, high], e.g. 0.95 */
  confidence: number;
  unit: string;
  per: 'iteration' | 'hour';
  /** p-value of the trend test, where one ran */
  pValue?: number;
  /** index (into the samples used) where the series stopped growing, or null if it never did */
  plateauAt: number | null;
  /** which samples were used: indices into the series, inclusive */
  samplesUsed: { series: 'boundaries' | 'timed'; from: number; to: number; count: number };
  /** when inconclusive for lack of data: how many more iterations would likely decide it */
  moreIterationsNeeded?: number;
}

export interface Check {
  /** stable id: `budget.rssGrowth`, `leak.sockets`, `budget.output.forbid` ... */
  id: string;
  resource: Resource;
  kind: 'budget' | 'leak';
  /** the limit as written by the user ('50MB', 'baseline+2'), when there is one */
  limit?: string;
  /** the limit in `unit`, when numeric; for growth budgets, the allowed growth above `baselineValue` */
  limitValue?: number;
  /** the post-warmup value the check compares against, where it compares against one */
  baselineValue?: number;
  observed: number;
  unit: string;
  pass: boolean;
  message: string;
  /** false when the run gave the check no data to judge (a budget on what this target or run kind
   * cannot measure): it passes, and its message says what was missing */
  measured?: false;
  trend?: TrendResult;
  /** identities behind a count check: leftover pids with their command lines, socket inodes, fd targets */
  leftovers?: Leftover[];
}

export interface Leftover {
  kind: 'process' | 'socket' | 'fd' | 'thread' | 'file';
  id: string;
  detail: string;
}

export interface Suspect {
  runtime: 'node' | 'python';
  kind: 'constructor' | 'allocation-site' | 'type' | 'handle' | 'warning';
  name: string;
  countDelta: number;
  perIteration: number;
  bytesDelta: number;
  /** retainer path (node) or traceback (python), outermost first */
  where: string[];
}

export interface OutputSummary {
  /** last lines written by the target (stdout and stderr interleaved), bounded */
  tail: OutputLine[];
  totalLines: number;
  /** per forbid pattern (as written), the number of matching lines */
  forbidCounts: Record<string, number>;
  /** first few matching lines per pattern, to show where they came from */
  forbidExamples: Record<string, string[]>;
}

export interface OutputLine {
  stream: 'stdout' | 'stderr';
  /** ms since the scenario started */
  t: number;
  text: string;
  /** the forbid pattern this line matched, if any */
  forbidden?: string;
}

export interface AlertEvent {
  /** ms since the scenario started */
  t: number;
  level: 'warning' | 'critical';
  resource: Resource;
  message: string;
}

export interface ProcessLife {
  pid: number;
  command: string;
  startedAt: number;
  endedAt: number | null;
  peakRss: number;
  /** how it ended: exit code, signal name, or 'recycled' / 'running' */
  end: string;
}

export interface ScenarioReport {
  name: string;
  /** path of the scenario file, relative to the repo root */
  file: string;
  verdict: Verdict;
  error?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  target: {
    kind: 'service' | 'module' | 'cli';
    runtime?: 'python' | 'node';
    command?: string[];
  };
  iterations: { warmup: number; measured: number };
  checks: Check[];
  series: ScenarioSeries;
  suspects: Suspect[];
  output: OutputSummary;
  /** processes seen over the run (workers replaced, restarts), when any came and went */
  processes?: ProcessLife[];
  restarts?: number;
  /** alert thresholds crossed during a soak, in order (bounded: the first and the latest are kept) */
  alerts?: AlertEvent[];
  /** files kept for this scenario (heap snapshots, screenshots), relative to the report dir */
  artifacts?: string[];
  /** problems seen while observing (a probe that could not read /proc/PID/fd) */
  probeErrors?: string[];
}

export interface HostInfo {
  hostname: string;
  platform: string;
  arch: string;
  cpus: number;
  totalMemBytes: number;
  node: string;
  python?: string;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  seepVersion: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  host: HostInfo;
  exitCode: ExitCode;
  scenarios: ScenarioReport[];
}
