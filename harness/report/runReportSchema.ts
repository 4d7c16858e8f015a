// The JSON report schema, defined once. Every stage downstream of the runner speaks these types;
// reporters read nothing else, so `seep report` can re-render any stored run.
// Bump SCHEMA_VERSION on any change that an old reader would misread.

// 2: trends carry their fitted line, checks their typed id and chart line, scenarios their headline
// numbers, and the report its run verdict. A reader of 2 refuses a 1 and says so (jsonReporter.ts).
export const SCHEMA_VERSION = 2 as const;

export type Verdict = 'pass' | 'fail' | 'error';
export type ExitCode = 0 | 1 | 2;

export const RESOURCES = ['rss', 'heap', 'fds', 'sockets', 'threads', 'children', 'handles', 'orphans', 'output', 'files', 'latency', 'load', 'seep', 'steps', 'disk', 'stepTime'] as const;
export type Resource = (typeof RESOURCES)[number];

import type { Metric, Phase, TcpState } from './sampleSchema.ts';

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
  /** the p99 of the answers of each interval that overlapped none of seep's checkpoints (null: none did) */
  latencyP99Clean?: (number | null)[];
}

/** The growth judgement for one series (analysis/trend). */
export interface TrendResult {
  verdict: 'leak' | 'bounded' | 'inconclusive';
  /** why, in words: "no plateau, Mann–Kendall p<0.001 (Hamed–Rao corrected)", "plateau from iteration 12" */
  reason: string;
  /** robust slope, in `unit` per `per` */
  slope: number;
  /** the slopes bounding its interval at `confidence`, in `unit` per `per` */
  low: number;
  high: number;
  /**
   * The fitted line, so it is drawn as the analysis fitted it: y = intercept + slope·(x − interceptX)
   * for x from interceptX to endX. x is the fit's own: the iteration for per-iteration trends, hours
   * since the scenario started for per-hour ones. It spans the points the slope was fitted on: after
   * the rise when the series rose then plateaued.
   */
  intercept: number;
  interceptX: number;
  endX: number;
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
  /**
   * a soak inconclusive for its window (a memory cycle longer than a third of it, a heap still
   * filling, allocator growth): how long a measured phase would likely decide it, in ms
   */
  measureForMs?: number;
}

export type CountedResource = 'fds' | 'sockets' | 'threads' | 'children' | 'handles';

/** The stored run a regression check or a comparison read: the path given and the run's id. */
export interface BaselineRun {
  path: string;
  runId: string;
}

/** What two runs are compared on, per scenario: a slope of each series, and what counts left over. */
export type RegressionKey = 'rss' | 'heap' | 'heapBlocks' | CountedResource | `${CountedResource}LeftOver` | 'disk' | 'tmpBytes' | 'tmpEntries';

/** Every check id seep writes. Forbid patterns and file budgets name their pattern or file after the colon. */
export type CheckId =
  | `leak.${'rss' | 'heap' | 'types' | CountedResource | 'orphans' | 'warnings' | 'disk'}`
  | `budget.${'rssGrowth' | 'heapGrowth' | 'rssPerIteration' | 'rssSlope' | 'peakRss' | CountedResource | 'orphans' | 'disk' | 'stepTime'}`
  | `budget.${'latencyP99' | 'seepRss' | 'stepErrors' | 'memoryLimit'}`
  | `load.${'transportErrors' | 'serverErrors' | 'achievedRate'}`
  | `budget.output.forbid:${string}`
  | `budget.files:${string}`
  | `alert.rss.${'warning' | 'critical'}`
  | 'calibration'
  | 'replicas'
  | 'regression'
  | `regression.${RegressionKey}`;

/** The series a check is drawn on: a sampled metric, the load generator's p99, or seep's own RSS. */
export type CheckSeries = Metric | 'latencyP99' | 'seepRss';

export interface Check {
  id: CheckId;
  resource: Resource;
  kind: 'budget' | 'leak';
  /** the limit as written by the user ('50MB', 'baseline+2'), when there is one */
  limit?: string;
  /** the limit in `unit`, when numeric; for growth budgets, the allowed growth above `baselineValue` */
  limitValue?: number;
  /** the post-warmup value the check compares against, where it compares against one */
  baselineValue?: number;
  /** the series this check reads, where one is charted; absent for checks no chart shows (output, files, steps) */
  series?: CheckSeries;
  /**
   * Where the limit sits on the chart of `series`, in that series' unit: growth budgets resolved
   * against their baseline, 'baseline+N' as the count it allows. Absent when the limit is not a
   * level (a slope per iteration or per hour) or there is no limit.
   */
  limitLine?: number;
  observed: number;
  unit: string;
  /** the limit is a floor (load.achievedRate: at least 90% of the rate asked), not a ceiling */
  atLeast?: true;
  pass: boolean;
  message: string;
  /** false when the run gave the check no data to judge (a budget on what this target or run kind
   * cannot measure): it passes, and its message says what was missing */
  measured?: false;
  trend?: TrendResult;
  /** a leaking memory series: when, at the measured rate, it reaches the nearest limit the run knows */
  timeToLimit?: TimeToLimit;
  /** identities behind a count check: leftover pids with their command lines, socket inodes, fd targets */
  leftovers?: Leftover[];
  /**
   * count checks: the rule that decided. 'baseline': back to the post-warmup count after the settle
   * (function and CLI targets, and `'baseline'` budgets: a call gives back what it took); 'shape':
   * the count's trend over the measured steps (services and soaks with no count budget: a pool that
   * fills then stays flat is bounded, a count that keeps rising is a leak)
   */
  rule?: 'baseline' | 'shape';
  /** leak checks judged by trend: the smallest leak this run's noise would have let through to a leak verdict */
  detectable?: DetectableLeak;
  /** leak.types: the trend of each type or allocation site followed at every boundary, growing first */
  typeTrends?: TypeTrend[];
  /** regression.*: the stored run this check compared against (`seep run --baseline`) */
  baselineRun?: BaselineRun;
  /** failing leak checks: the signatures of the leaks behind it (ScenarioReport.leaks), one or more */
  leaks?: string[];
  /** failed only on leaks the known-leaks file accepts, each within its ceiling: it passes, and is listed apart */
  known?: true;
  /** leak.disk, budget.disk: each path followed on disk as judged, the growing ones first */
  diskTrends?: DiskTrend[];
}

/** One path on disk followed at every boundary (the temp dir, a file, a folder), as judged. */
export interface DiskTrend {
  path: string;
  /** 'temp': the temp dir seep gave the target */
  kind: DiskPath['kind'] | 'temp';
  how: DiskPath['how'] | 'temp dir';
  /** its bytes per iteration over the baseline and the measured boundaries */
  trend: TrendResult;
  /** folders and the temp dir: its entries per iteration */
  entries?: TrendResult;
  /** bytes after the settle, null when there was no settle read */
  afterSettle: number | null;
  /** grew with no plateau (bytes or entries) and kept it through the settle: fails leak.disk */
  leaks: boolean;
  /** excused by budgets.disk.allow: shown, not judged */
  allowed: boolean;
}

/** What a leak check could have caught in this run (analysis/detectableLeak.ts). */
export interface DetectableLeak {
  /** the smallest steady growth, in `unit` per `per`, that this run's judge calls a leak with probability `power` */
  slope: number;
  unit: string;
  per: 'iteration' | 'hour';
  /** e.g. 0.99 */
  power: number;
  /** the trend test's level */
  alpha: number;
  /** the smallest slope the check calls a leak at all, whatever the noise (the creep floors) */
  floor: number;
  /** 'noise' when the run's noise set the size, 'floor' when the floor (plus the slope's own spread) did */
  limitedBy: 'noise' | 'floor';
  /** the residuals of the judged points around their fitted line */
  noise: { sd: number; points: number; autocorrelationFactor: number };
}

/** `--calibrate`: the run repeated with a known leak planted through the agent, and whether it was caught. */
export interface Calibration {
  /** 'caught' and 'missed' after a second run; 'not run' says why in `message` */
  outcome: 'caught' | 'missed' | 'not run';
  /** bytes planted per measured step (a Buffer/bytearray and a SeepPlantedLeak object) */
  plantedPerStep?: number;
  /** the check whose detectable size was planted */
  sizedBy?: CheckId;
  /** the leak checks that failed in the planted run */
  caughtBy?: CheckId[];
  message: string;
}

export interface TimeToLimit {
  /** as written ('512MB'), and what it is ('peakRss budget', 'critical alert') */
  limit: string;
  limitName: string;
  limitValue: number;
  /** where the fitted line ends: the level the projection starts from */
  level: number;
  per: 'iteration' | 'hour';
  /** iterations or hours from the end of the run: at the slope, at its interval's high and low ends (null: the low end does not grow) */
  estimate: number;
  low: number;
  high: number | null;
}

/** One type's (Python) or allocation site's (Node) growth over the measured boundaries, as judged. */
export interface TypeTrend {
  name: string;
  /** the trend over the measured boundaries, per iteration, in the series' unit */
  trend: TrendResult;
  /** its change since the baseline after the settle, in the series' unit; null when there was no settle read */
  afterSettle: number | null;
  /** true when it grew without a plateau, kept it through the settle, and fails leak.types */
  leaks: boolean;
  /**
   * why one that grew so is listed and not failed: a site in the runtime's own code while the heap
   * grew less, or (a soak) a growth that slows down as a cache filling does
   */
  notFailed?: string;
  /** retainer path or referrer chain, from the suspects named after the run, where they name it */
  where: string[];
}

export interface Leftover {
  kind: 'process' | 'socket' | 'fd' | 'thread' | 'file' | 'handle';
  id: string;
  detail: string;
}

export interface Suspect {
  runtime: 'node' | 'python';
  /** 'holder': a name the developer wrote (a module array, a class attribute) that new objects hang from */
  kind: 'holder' | 'constructor' | 'allocation-site' | 'type' | 'handle' | 'warning';
  name: string;
  countDelta: number;
  perIteration: number;
  /** holders: what the objects added under it retain (what freeing them would release); others: their own size */
  bytesDelta: number;
  /** retainer path (node) or traceback (python), outermost first; with a trace, the trace's lines */
  where: string[];
  /** why `where` is empty: the search for it was cut short or not started (the time for naming suspects ran out) */
  noWhere?: string;
  /** the suspect's leak signature (analysis/leakSignature.ts) */
  signature?: string;
  /** one path from the first name the developer wrote to the leaking object, a reference a line */
  trace?: LeakTrace;
  /** holders: the suspects of what it keeps, folded under it rather than listed beside it */
  holds?: Suspect[];
  /** the process it was seen in, when the tree has more than one with an agent */
  process?: ProcessRef;
}

/** A process of the target's tree, as a trace or a suspect names it. */
export interface ProcessRef {
  pid: number;
  role: 'root' | 'worker';
}

/**
 * One reference of a leak trace (LeakCanary's LeakTraceReference): the object it leaves from and the
 * name by which that object holds the next one.
 */
export interface TraceReference {
  /**
   * module-variable: a top-level variable of a module ('kept' of server.mjs, '_SESSIONS' of jobs);
   * closure-variable: a variable a function's closure keeps; class-attribute: a class's (static)
   * attribute; attribute: an instance's field; global: a property of the global object; local: a
   * local of a running function (a thread's frame); element: an index or key; internal: a link the
   * runtime made (a backing store, a context, a handle scope), walked through, never named as holder
   */
  kind: 'module-variable' | 'closure-variable' | 'class-attribute' | 'attribute' | 'global' | 'local' | 'element' | 'internal';
  /** what the reference leaves from: the module, class or type ('server.mjs', 'OrderService', 'Array', 'list') */
  owner: string;
  /** the field, variable, index or key ('kept', '_cache', '[41]', "['https://']") */
  name: string;
  /** a name the developer wrote, in their own code (not the runtime's, not a library's) */
  user: boolean;
  /** where the name is declared or the owner was made, `file:line`, when known */
  site?: string;
}

/** One trace per suspect, from the first name a developer wrote to the object that leaks. */
export interface LeakTrace {
  references: TraceReference[];
  /** the object kept: its class or type ('Buffer', 'requests.sessions.Session') */
  leaking: string;
  /** the process the trace was read in, when the tree has more than one with an agent */
  process?: ProcessRef;
  /** where the leaking objects were made, the user's line first (a followed constructor's caller), when known */
  madeAt?: string[];
  /** a holder's: the lines of the program that add to it ('jobs.py:24  _SESSIONS.append(session)') */
  addedAt?: string[];
  /**
   * set when the object is reached only through the runtime's internals (a timer list, a stack or
   * handle-scope root): what it is reached through, and where it was made instead
   */
  internalOnly?: { via: string; allocatedAt: string[] };
}

/**
 * What moved per type at every boundary read, from the agent in the target: Python's gc counts per
 * type (the change since the baseline), Node's live bytes per allocation site sampled since the
 * baseline (V8's sampling heap profiler). Only the types that moved are followed, up to a cap.
 */
export interface TypeGrowthSeries {
  runtime: 'node' | 'python';
  kind: 'type' | 'allocation-site';
  unit: 'objects' | 'B';
  /** one entry per boundary read from the baseline on (the baseline's values are 0 by definition) */
  iteration: number[];
  phase: Phase[];
  /**
   * per name followed, its value at each read; null where it was not read (not yet among those that
   * moved). Node: givenBack, the sampled bytes the site held at a read and no longer at a later one,
   * by its last read (absent: none); a leak never gives back what it keeps, a cache that evicts does.
   * Node: sampleBytes, the bytes one live sample of the site stood for on average at its last read
   * with any (its bytes over its samples): its bytes over this are about its number of samples
   */
  series: { name: string; values: (number | null)[]; givenBack?: number; sampleBytes?: number }[];
  /** mean time one read took in the target, in ms */
  readMs: number;
}

/**
 * What the target keeps on disk, read at every boundary (runner/diskCollector.ts): each file its tree
 * holds open for writing, each file it created in its working directory that then grew, and each
 * folder it created files in, with their bytes (and the folders' entries). The temp dir's totals
 * are the samples' tmpBytes and tmpEntries. Bounded: up to observations/diskRows.ts's MAX_PATHS.
 */
export interface DiskSeries {
  /** one entry per boundary read from the baseline on */
  iteration: number[];
  phase: Phase[];
  paths: DiskPath[];
  /** the temp dir seep gave the target (TMPDIR, TEMP, TMP); absent when it gave none (an attached service) */
  tempDir?: string;
  /** free bytes on the temp dir's file system at the last read */
  tempFree?: number | null;
  /** what was left in the temp dir once the target had stopped, before seep removed it */
  tempLeft?: Leftover[];
  /** the working directories watched for created files */
  workingDirs: string[];
}

export interface DiskPath {
  /** relative to the project root when inside it, else absolute */
  path: string;
  kind: 'file' | 'folder';
  /** how it was found: held open for writing, created in a working directory, or a folder gaining created files */
  how: 'open for writing' | 'created' | 'folder';
  /** at each read (aligned with DiskSeries.iteration); null where it was not followed yet, or gone */
  bytes: (number | null)[];
  /** folders: the entries created in it, at each read */
  entries?: (number | null)[];
  /** free bytes on its file system at the last read, where known */
  free?: number | null;
  /** excused by budgets.disk.allow */
  allowed?: boolean;
}

/**
 * The agents' looks after the measured phase (suspects): the time they had, max(30 s, 20% of the
 * measured phase), the time they took, and what did not fit in it.
 */
export interface Attribution {
  budgetMs: number;
  /** counted in the CPU time of the processes doing the looks (at least 1/8 of the wall time): a busy machine does not shrink the budget */
  usedMs: number;
  /** the wall time the looks took, when the busy machine made it more than usedMs */
  wallMs?: number;
  /** in words: "referrer search for bs4.element.Tag cut short at 10 s (heap of 5.1M objects; …)" */
  cutShort: string[];
}

export interface OutputSummary {
  /** last lines written by the target (stdout and stderr interleaved), bounded */
  tail: OutputLine[];
  totalLines: number;
  /** per forbid pattern (as written), the number of matching lines */
  forbidCounts: Record<string, number>;
  /** first few matching lines per pattern, to show where they came from */
  forbidExamples: Record<string, string[]>;
  /** per known leak warning (scenario/leakWarnings.ts) by name, the lines printed, less those allowed */
  warningCounts?: Record<string, number>;
  warningExamples?: Record<string, string[]>;
  /** the same, printed once seep began to stop the target (its shutdown) */
  shutdownWarningCounts?: Record<string, number>;
  /** the same, printed before the first step (the target's start-up), and their first lines; absent in streams that did not mark it */
  startupWarningCounts?: Record<string, number>;
  startupWarningExamples?: Record<string, string[]>;
}

/**
 * A warning the agents counted, every occurrence (Python prints one per location), grouped by what it
 * says and where it was raised, summed over the processes of the tree.
 */
export interface WarningGroup {
  category: string;
  /** the message with what differs per occurrence (fds, addresses, numbers) taken out */
  what: string;
  /** the first occurrence's message, cut at 300 characters */
  message: string;
  /** 'file:line' where the warning was raised ('' when not from warnings.warn: aiohttp's loop handler) */
  raisedAt: string;
  /**
   * whose code the warned-about object came from: the innermost frame of its allocation outside the
   * standard library, else where it was raised: an installed dependency's (site-packages,
   * dist-packages, node_modules), the project's own, or only the standard library's
   */
  origin: 'dependency' | 'project' | 'stdlib';
  originFrame: string;
  /** the line to fix in the project's code (the innermost frame outside libraries), when known */
  site: string;
  /** the innermost frames of where the first one's object was allocated, outermost first, when known */
  allocated: string[];
  type?: string;
  /** occurrences counted at the first boundary read, the baseline, the last measured read and the last read */
  atFirstRead: number;
  atBaseline: number;
  atMeasuredEnd: number;
  total: number;
  /** occurrences per measured step: (atMeasuredEnd - atBaseline) / measured steps; null with no measured step */
  perStep: number | null;
}

/**
 * The load of a soak's measured phase, as a load tester accounts it (observations/loadTally.ts). A
 * report rebuilt from a stream written before issue 28 has null where the slices did not say.
 */
export interface LoadTotals {
  slices: number;
  /** the slices' summed length, ms */
  ms: number;
  /** answers received */
  requests: number;
  /** transport errors, and answers not counted as a success */
  failures: number;
  /** answers counted as a success (2xx and 3xx unless the scenario's load.ok says otherwise) */
  successes: number | null;
  /** requests that got no answer, by why */
  transport: { refused: number; reset: number; timeout: number; other: number } | null;
  statuses: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number } | null;
  /** requests the slices that asked a rate asked for (rate x length), their summed length, and the answers they got */
  askedRequests: number;
  askedMs: number;
  answeredWhileAsked: number;
  /** over the slices that asked a rate: the rate asked and the answers per second achieved (absent when none asked) */
  askedRate?: number;
  achievedRate?: number;
  /**
   * over the slices that asked a rate and recorded their connections: how long they asked it (ms), the
   * connections they held over that time (connections x ms), the time those connections waited for
   * answers (every answer's latency, summed, ms) and those answers. A connection sends again only when
   * answered: connections / mean latency is the most the generator could send. `carried`: the requests
   * they could have sent, slice by slice the lesser of the rate asked and connections / mean latency.
   * Absent in streams written before
   */
  connections?: { askedMs: number; connectionMs: number; waitedMs: number; answers: number; carried: number };
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

/**
 * The runtime heap of one process of the target's tree, read through its own agent: a pre-fork
 * server's master and each of its workers. The samples' heapUsed / heapCommitted are these summed.
 */
export interface ProcessHeap {
  pid: number;
  /** root: the process seep started (or the first of its tree that runs the agent); worker: a descendant */
  role: 'root' | 'worker';
  /**
   * The agent's heap figures (agents/runtimeHeap.ts: used, committed, blocks, ...; null
   * where the runtime gives none) at the baseline, the last warmup boundary; null when the process
   * was not read there (it started after it)
   */
  baseline: Record<string, number | null> | null;
  /** the same at the last boundary the process was read at */
  end: Record<string, number | null>;
  /** false when the process had left the tree by the last boundary (a recycled worker, a restarted root) */
  atEnd: boolean;
}

/**
 * A process of the target's tree that runs Node or Python with no seep agent answering in it: its
 * heap, types and handles are in none of the checks that sum the agents' reads.
 */
export interface AgentlessProcess {
  pid: number;
  runtime: 'node' | 'python';
  command: string;
  /** why no agent answered: "python -I (isolated mode) ignores PYTHONPATH, ..." */
  why: string;
}

/**
 * The target's start-up, from the scenario's start to its first step (start, readiness, setup): what
 * it printed then is in the output's startup counts, reported and not judged; its resources at the
 * end of it are here, beside the post-warmup baseline the checks compare with.
 */
export interface StartupPhase {
  /** ms from the scenario's start to the first step */
  ms: number;
  /** the tree at the last timed sample before the first step; null when none was taken */
  at: { rss: number | null; fds: number | null; sockets: number | null; threads: number | null; children: number | null } | null;
}

/** A step's request reset as a worker of the tree exited, and sent once more on a new connection. */
export interface StepRetry {
  /** ms since the scenario started */
  t: number;
  /** the worker that exited */
  pid: number;
  /** "GET http://127.0.0.1:4100/orders" */
  request: string;
  /** the failure retried: "ECONNRESET socket hang up" */
  error: string;
}

/** The figures summaries lead with, as the analysis computed them (the same functions as the checks). */
export interface Headlines {
  /**
   * RSS growth over the measured phase: the median of the last three measured boundaries minus the
   * post-warmup baseline, the figure budget.rssGrowth compares. Null when there is no baseline or no
   * measured boundary.
   */
  rssGrowth: { growth: number; baseline: number } | null;
  /** under load (a soak): the median and the worst of the per-interval p99 latencies of the measured phase, in ms */
  latencyP99?: { median: number; worst: number };
  /**
   * How long a step took, at the baseline and at the end of the measured phase (medians of the
   * boundaries' step times), with its trend per iteration: a step that slows as what it keeps grows.
   * Reported in every run; budget.stepTime gates on it. Absent with too few measured steps.
   */
  stepTime?: { first: number; last: number; trend: TrendResult };
}

export interface ScenarioReport {
  name: string;
  /** path of the scenario file, relative to the repo root */
  file: string;
  verdict: Verdict;
  error?: string;
  /**
   * Rebuilt after seep was killed before the run ended, with a check already failing: the run is a
   * failure (the leak was certain) rather than an error, and this says how far it got.
   */
  cutShort?: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  target: {
    kind: 'service' | 'module' | 'cli';
    runtime?: 'python' | 'node';
    /** the interpreter that ran the target, as it says of itself (its agent) or as /proc/PID/exe names it */
    runtimeVersion?: RuntimeVersion;
    command?: string[];
    /** a service seep attached to and did not start (`service.attach`, `--attach`) */
    attached?: AttachedTarget;
    /** a series read from Prometheus (`seep judge --prometheus`, a replica of a scenario's `evidence.prometheus`),
     * or a deployed service a scenario drove at its URL while Prometheus watched it */
    remote?: RemoteTarget;
  };
  iterations: { warmup: number; measured: number };
  checks: Check[];
  /** the leaks behind the failing leak checks, one per signature, with what the known-leaks file said of each */
  leaks?: ScenarioLeak[];
  headlines: Headlines;
  series: ScenarioSeries;
  suspects: Suspect[];
  /** per-type growth read at every boundary, where the target has an agent that reads it */
  typeGrowth?: TypeGrowthSeries;
  /** the paths on disk followed at every boundary, where disk was observed */
  disk?: DiskSeries;
  /** how naming the suspects went against its time limit, when the agents took their looks */
  attribution?: Attribution;
  output: OutputSummary;
  /** a soak's load over its measured phase: answers by class, transport errors, the rate asked and achieved */
  load?: LoadTotals;
  /** every warning the target's agents counted (each occurrence, where Python prints one per location), by what and where */
  warningCounts?: WarningGroup[];
  /** the runtime heap per process, when the agent served in more than one process of the tree */
  processHeaps?: ProcessHeap[];
  /** processes seen over the run (workers replaced, restarts), when any came and went */
  processes?: ProcessLife[];
  restarts?: number;
  /** alert thresholds crossed during a soak, in order (bounded: the first and the latest are kept) */
  alerts?: AlertEvent[];
  /** files kept for this scenario (heap snapshots, screenshots), relative to the report dir */
  artifacts?: string[];
  /** problems seen while observing (a probe that could not read /proc/PID/fd) */
  probeErrors?: string[];
  /** how the run measured, said so it can be weighed, and no problem: how a pre-fork tree's counts were summed, workers recycled */
  notes?: string[];
  /** `--calibrate` or `calibrate: true`: the planted-leak run after a passing one */
  calibration?: Calibration;
  /** what observing cost the target: its steps' own time beside the boundary work seep did between them */
  observerCost?: ObserverCost;
  /**
   * A soak under load: the latency of the measured phase's answers (status under 400), all of them
   * and those whose request overlapped none of seep's checkpoints (its forced GC and reads)
   */
  latency?: LoadLatency;
  /**
   * processes of the tree that run Node or Python with no agent answering (launchers such as npm are
   * not among them), and the checks that leaves without their evidence
   */
  agentless?: { processes: AgentlessProcess[]; more: number; unmeasured: string };
  /** the target's start-up, before the first step (streams that did not mark it have none) */
  startup?: StartupPhase;
  /** step requests retried once because a worker exited under them (recycled); the first 20 listed */
  retries?: { count: number; list: StepRetry[] };
  /**
   * A deployed service driven at its URL (`evidence.prometheus`): each replica's series from
   * Prometheus judged as a scenario of its own (each life of a restarted one apart), then their sum
   */
  replicas?: ScenarioReport[];
}

/** Latency percentiles of a set of answers, in ms (null: no answer). */
export interface LatencyFigures {
  requests: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
}

export interface LoadLatency {
  all: LatencyFigures;
  /** the answers clear of every checkpoint: what the target does when seep is not pausing it */
  clean: LatencyFigures;
  /** the checkpoints of the measured phase, and the time they took (the forced GC's part of it) */
  checkpoints: number;
  checkpointMs: number;
  gcMs: number;
}

/**
 * One leak a run found (analysis/scenarioLeaks.ts): what a known-leaks file accepts by its signature.
 * A leak is a suspect that grew once per step (a holder with what it holds) or, where no suspect
 * explains a failing leak check, the check itself.
 */
export interface ScenarioLeak {
  /** 12 hex digits from the resource, the type or site and the shape of its trace; shown as the first 6 */
  signature: string;
  resource: Resource;
  /** in words: 'requests.sessions.Session held by jobs._SESSIONS' */
  label: string;
  /** the failing leak checks it is behind */
  checks: CheckId[];
  /** how fast it grew, as the suspect counted it (objects and bytes per step) or the check's trend */
  rates: LeakRate[];
  /** what the known-leaks file said of it; absent when no file was read */
  known?: KnownLeakVerdict;
}

/** How reports show a signature: its first 6 hex digits, 16 million to one against two leaks of a run sharing them. */
export const shortSignature = (signature: string): string => signature.slice(0, 6);

export interface LeakRate {
  value: number;
  /** 'B' for bytes; anything else is a count ('objects', 'fds') */
  unit: string;
  per: 'iteration' | 'hour';
}

/** A leak against the known-leaks file: accepted and within its ceiling, or why it fails. */
export interface KnownLeakVerdict {
  status: 'new' | 'known' | 'over-ceiling' | 'expired';
  /** the file's entry, as written, when it has one */
  acceptedBy?: string;
  acceptedAt?: string;
  expires?: string;
  maxRate?: string;
  note?: string;
  message: string;
}

/** The known-leaks file a run read (`seep run`, unless --no-known-leaks). */
export interface KnownLeaksUse {
  /** as found: relative to the project root */
  file: string;
  entries: number;
  /** entries whose leak no scenario of this run showed: fixed, or not run here */
  notSeen: { signature: string; leak: string }[];
}

/** What a series from Prometheus measures, as the sample column it is judged in. */
export type RemoteMetric = 'rss' | 'heapUsed' | 'fds';

/**
 * A target seep did not start and cannot see, observed through Prometheus: one series it judged
 * (labels set), or a service a scenario drove at `url` whose replicas are judged in `replicas`.
 */
export interface RemoteTarget {
  /** the Prometheus server the series came from */
  prometheus: string;
  /** the PromQL that returned the series */
  query: string;
  /** what the series measures: memory (judged as RSS), a runtime heap, or file descriptors (a count) */
  metric: RemoteMetric;
  /** the series' labels; absent on the scenario that drove the replicas */
  labels?: Record<string, string>;
  /** the sum of the replicas' series, not one of them */
  sum?: true;
  /** the life of the series this report judges, when its process restarted within the range (1-based) */
  life?: { index: number; of: number; startedBy: 'range' | 'start time' | 'drop' };
  /** the level time to limit is told against: the limit query's last value for this series, or --limit */
  limit?: { written: string; value: number; from: string };
  /** the service's URL, which the scenario drove */
  url?: string;
}

/**
 * The observer effect, measured in the run: the mean wall time of a step (the scenario's own work on
 * the target), and of each part of a boundary observation, during which the target is stopped or
 * slowed (a forced GC; /proc reads of smaps_rollup under its mmap lock; the agents' heap and type
 * reads). Timed samples at sampleHz read /proc only and are not counted here. null: none timed.
 */
export interface ObserverCost {
  steps: number;
  stepMs: number | null;
  boundaries: number;
  /**
   * boundaries that forced a GC; the others (a soak's checkpoints under way) read the heap the
   * target's own last full GC left, as it had one lately. Absent in reports before it was counted: all forced
   */
  forcedGcs?: number;
  /** the forced GC in the target's processes (0 where none was forced) */
  gcMs: number | null;
  /** seep's /proc read of the tree at a boundary (pss, fds, the tcp tables, the cookie scan) */
  readMs: number | null;
  /** the agents' reads after the GC: runtime heap, handles, per-type growth */
  agentMs: number | null;
  /** boundary time spread over the steps: (gc + read + agent) x boundaries / steps */
  perStepMs: number | null;
  /**
   * A soak: the checkpoints' time (forced GC, reads, agents) per hour of the measured phase, the
   * target's time that seep took or slowed
   */
  perHourMs?: number | null;
  /**
   * A soak under load: the p99 latency of all answers minus that of the answers clear of every
   * checkpoint, what seep's pauses added (latency.all.p99 - latency.clean.p99); null without answers on both sides
   */
  addedP99Ms?: number | null;
  /**
   * how often the boundaries (a forced GC and its reads) were taken, chosen so that observing takes
   * at most a quarter of the run's wall time while the trend keeps its points (runner/observeCadence.ts)
   */
  cadence?: ObserveCadence;
}

export interface ObserveCadence {
  /** a counted run: a boundary after every `everySteps` measured steps (and after the last) */
  everySteps?: number;
  /** a soak: a boundary every `everyMs` at the most often (the plan asked `plannedMs`) */
  everyMs?: number;
  plannedMs?: number;
  /** the share of the wall time observing would take at this cadence, from the costs it was chosen on */
  share: number;
  why: string;
  /**
   * the costs it was chosen on, ms (medians of the last steps and boundaries timed): a counted run's
   * when it chose (after the warmup's first few), a soak's at its last boundary; absent in older reports
   */
  chosenOn?: { stepMs: number; gcMs: number; boundaryMs: number };
}

/**
 * A service seep attached to: it sampled the process tree and drove the steps against `url`, but did
 * not start it, so it injected no agent (no runtime heap, forced GC, per-type growth or suspects),
 * restarted nothing and left it running.
 */
export interface AttachedTarget {
  /** null when the pid could not be read (a pidFile missing or not a pid: the run is an error) */
  pid: number | null;
  /** the file the pid was read from, as written */
  pidFile?: string;
  /** where the steps and the load went; null when it was to be found from the process's listening port and was not */
  url: string | null;
  agent: 'not injected (attached process)';
  /** the process's own memory cgroup, sampled as cgroupMemory; absent when it has none but the root's or seep's */
  cgroup?: string;
}

export interface HostInfo {
  hostname: string;
  platform: string;
  arch: string;
  cpus: number;
  totalMemBytes: number;
  /** the Node that ran seep (a target's own runtime is its scenario's target.runtimeVersion) */
  node: string;
  /** reports before 0.1: the `python3` on seep's PATH, which need not be what a target ran; no longer written */
  python?: string;
}

/** The runtime a target ran on, read from the running process, never from what PATH would start now. */
export interface RuntimeVersion {
  name: 'python' | 'node';
  /** '3.11.2', '20.20.2' */
  version: string;
  /** the interpreter's file, as /proc/PID/exe resolves it ('/usr/bin/python3.11') */
  executable: string;
  /** the target's agent said so, or (no agent) seep read /proc/PID/exe and asked that file its version */
  from: 'agent' | 'exe';
  /** the process it was read from */
  pid: number;
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  seepVersion: string;
  runId: string;
  startedAt: string;
  finishedAt: string;
  host: HostInfo;
  /** the run's verdict: error if a scenario errored, else fail if one failed, else pass; agrees with exitCode */
  verdict: Verdict;
  exitCode: ExitCode;
  scenarios: ScenarioReport[];
  /** `seep run --shard i/n`: which slice of which scenario set this run ran */
  shard?: ShardInfo;
  /** `seep merge`: the shard runs this run was joined from, in shard order */
  mergedFrom?: ShardPart[];
  /** the known-leaks file the leaks were judged against */
  knownLeaks?: KnownLeaksUse;
}

/**
 * One slice of a scenario set (`seep run --shard i/n`), as `seep merge` checks it: the parts of one
 * run share the set, the shard count, the balancing and the seep version, and cover the set once.
 */
export interface ShardInfo {
  /** 1-based */
  index: number;
  count: number;
  /** every scenario of the whole set (not only this slice's), as `file::name`, in run order */
  scenarios: string[];
  /** sha256 of the sorted set: two shards of one set agree on it */
  setHash: string;
  /** the scenarios' weights: all 1, or their durations in a previous report (its run id) */
  balancedBy: { kind: 'count' } | { kind: 'durations'; runId: string };
}

/** A shard run as `seep merge` found it. */
export interface ShardPart {
  index: number;
  runId: string;
  startedAt: string;
  finishedAt: string;
  hostname: string;
  /** how many scenarios it ran */
  scenarios: number;
}
