// The fold of a run's events into what was observed, in fixed size whatever the run's length (a
// counted run or a week of soak): the series, bounded; the running figures the engine acts on while
// the run goes (peaks, alerts, restarts, the baseline); and, at any moment, the observations the judge
// reads and what else the report carries. The live run and `seep report` after a crash fold the same
// events, so a rebuilt report is the report the run would have written.
import type { Sample } from '../report/sampleSchema.ts';
import type { AgentlessProcess, AlertEvent, Attribution, ProcessHeap, ProcessLife, ScenarioReport, ScenarioSeries, StartupPhase, StepRetry, Suspect } from '../report/runReportSchema.ts';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { createBoundedColumns } from '../series/boundedColumns.ts';
import { decodeSample, phaseOfCode, type StreamEvent } from '../series/sampleStream.ts';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import { LEAK_WARNINGS } from '../scenario/leakWarnings.ts';
import type { AlertTally, Observations, StepErrorTally } from './observations.ts';
import { createAlertEvents } from './alertEvents.ts';
import { createProcessLives, type LivesSummary } from './processLives.ts';
import { createProcessHeaps } from './processHeaps.ts';
import { createAgentCoverage } from './agentCoverage.ts';
import { createStartupFold } from './startupFold.ts';
import { createStepRetries } from './stepRetries.ts';
import { decodeHead, type StreamHead, type StreamTail } from './streamHead.ts';
import { createTypeGrowthRows } from './typeGrowthRows.ts';
import { createLatencyFold, type SoakShare } from './latencyFold.ts';
import { createDiskRows } from './diskRows.ts';
import { replicaVerdicts } from './replicaVerdicts.ts';

/** Step errors whose messages a soak keeps, besides the last: a week of them must not grow. */
const KEEP_STEP_ERRORS = 3;
const MAX_NOTES = 100;

export interface RunFoldOptions {
  maxTimed?: number;
  maxBoundaries?: number;
  maxLoadPoints?: number;
}

/** Everything folded so far, for the judge and the report. */
export interface FoldedRun {
  head: StreamHead | null;
  /** absent while the run goes on, and when seep died before its end */
  tail: StreamTail | null;
  /** the time of the latest event, ms since the run started */
  lastT: number;
  observations: Observations;
  /** every suspect older streams' events named ranked, in their order (the judge ranks the evidence of newer ones) */
  suspects: Suspect[];
  attribution?: Attribution;
  /** the target as started: its command and runtime */
  started: Pick<ScenarioReport['target'], 'command' | 'runtime' | 'runtimeVersion'> | null;
  restarts: number;
  processes: { seen: number; summary: LivesSummary; list: ProcessLife[] };
  processHeaps: { list: ProcessHeap[]; changes: { started: number; gone: number } };
  alerts: { list: AlertEvent[]; total: number; dropped: number; tally: Record<'warning' | 'critical', AlertTally> };
  /** the problems the run noted as it went (observing that failed), deduplicated and capped */
  notes: string[];
  /** what the run said of how it measured, which is no problem (how a pre-fork tree's counts were summed), deduplicated and capped */
  infoNotes: string[];
  /** told after the end: files kept in the run folder, and problems listed last */
  artifacts: string[];
  lateErrors: string[];
  /** a soak's checkpoints per hour and its load's latency split by them; null without recorded checkpoints */
  soakShare: SoakShare | null;
  /** processes of a known runtime with no agent answering, and how many beyond those listed */
  agentless: { processes: AgentlessProcess[]; more: number };
  /** the target's start-up, when the stream marked its first step */
  startup?: StartupPhase;
  /** step requests retried after a worker exited under them */
  retries?: { count: number; list: StepRetry[] };
  /** a deployed service's replicas, each judged from its series in Prometheus */
  replicas?: ScenarioReport[];
}

export interface RunFold {
  add(e: StreamEvent): void;
  head(): StreamHead | null;
  last(): Sample | null;
  peakRss(): number | null;
  seepPeak(): number | null;
  restarts(): number;
  alertCount(level: 'warning' | 'critical'): number;
  /** the last load interval, for the metrics endpoint */
  lastLoad(): { t: number; p99: number; requests: number; errors: number } | null;
  /** the last warmup boundary: what settle reads are compared with */
  baselineSample(): Sample | null;
  totals(): { samples: number; requests: number; errors: number; alerts: number; stepErrors: number };
  folded(): FoldedRun;
}

export function createRunFold(opts: RunFoldOptions = {}): RunFold {
  const f = openFold(opts);
  return {
    add: (e) => foldEvent(f, e),
    head: () => f.head,
    last: () => f.recorder.last(),
    peakRss: () => f.peakRss,
    seepPeak: () => f.seepPeak,
    restarts: () => f.restarts,
    alertCount: (level) => f.tally[level].count,
    lastLoad: () => f.lastLoad,
    baselineSample: () => f.baseline,
    totals: () => ({ samples: f.samples, requests: f.requests, errors: f.errors, alerts: f.tally.warning.count + f.tally.critical.count, stepErrors: f.stepErrors.count }),
    folded: () => foldedRun(f),
  };
}

/** The fold's state: what each event kind adds to, each part bounded. */
function openFold(opts: RunFoldOptions) {
  const maxLoadPoints = opts.maxLoadPoints ?? 4096;
  return {
    head: null as StreamHead | null,
    tail: null as StreamTail | null,
    suspects: [] as Suspect[],
    // whether any suspects were named (the agents took their looks): the types check needs them
    suspectsNamed: false,
    evidence: [] as SuspectEvidence[],
    attribution: undefined as Attribution | undefined,
    // the target as started (command, runtime), the files kept and the problems told after the end
    started: null as FoldedRun['started'],
    artifacts: [] as string[],
    lateErrors: [] as string[],
    // a deployed service's replicas, judged from Prometheus once the run was over
    replicas: null as ScenarioReport[] | null,
    stepErrors: { count: 0, first: [], last: null } as StepErrorTally,
    // 10,000 points is one every minute of a week: more than a chart can show, and half the memory of 20,000
    recorder: createSeriesRecorder({ maxTimed: opts.maxTimed ?? 10_000, maxBoundaries: opts.maxBoundaries ?? 2000 }),
    // the length of a raw load interval, from the first gaps (merged rows keep the mean per interval,
    // so their spacing no longer tells it)
    loadGaps: [] as number[],
    load: createBoundedColumns({ requests: 'mean', errors: 'max', latencyP50: 'max', latencyP99: 'max', latencyP99Clean: 'max' }, maxLoadPoints),
    split: createLatencyFold(),
    measuredP99: createBoundedColumns({ p99: 'max' }, maxLoadPoints),
    seep: createBoundedColumns({ rss: 'max' }, maxLoadPoints),
    lives: createProcessLives(),
    typeRows: createTypeGrowthRows(),
    diskRows: createDiskRows(),
    heaps: createProcessHeaps(),
    coverage: createAgentCoverage(),
    startup: createStartupFold(),
    retries: createStepRetries(),
    output: createOutputWatcher({ forbid: [] }),
    tally: { warning: { count: 0, firstT: null }, critical: { count: 0, firstT: null } } as Record<'warning' | 'critical', AlertTally>,
    // from the stream's alert events, not re-derived from samples: a rebuild reads the same events
    alertEvents: createAlertEvents(),
    notes: [] as string[],
    infoNotes: [] as string[],
    pids: [] as number[],
    peakRss: null as number | null,
    seepPeak: null as number | null,
    restarts: 0,
    requests: 0,
    errors: 0,
    samples: 0,
    lastT: 0,
    measuredFromT: null as number | null,
    measuredToT: 0,
    lastLoad: null as { t: number; p99: number; requests: number; errors: number } | null,
    baseline: null as Sample | null,
    lastBoundaryPhase: null as Sample['phase'] | null,
    oomKills: { count: 0, first: null } as { count: number; first: { t: number; usage: number | null } | null },
  };
}

type FoldState = ReturnType<typeof openFold>;
type EventOf<K extends StreamEvent['k']> = Extract<StreamEvent, { k: K }>;
/** What each kind of event adds to the fold; a kind not listed adds nothing. */
type EventFolds = { [K in StreamEvent['k']]?: (f: FoldState, e: EventOf<K>) => void };

function foldEvent(f: FoldState, e: StreamEvent): void {
  if ('t' in e) f.lastT = Math.max(f.lastT, e.t);
  const fold = FOLDS[e.k] as ((f: FoldState, e: StreamEvent) => void) | undefined;
  fold?.(f, e);
}

const FOLDS: EventFolds = {
  head: foldHead,
  b: foldSample,
  t: foldSample,
  load: foldLoad,
  // written right after its checkpoint's boundary line: the measured phase's, or not
  pause: (f, e) => {
    if (f.lastBoundaryPhase === 'measured') f.split.pause(e);
  },
  seep: (f, e) => {
    f.seep.add(e.t, { rss: e.rss });
    if (f.seepPeak === null || e.rss > f.seepPeak) f.seepPeak = e.rss;
  },
  cmd: (f, e) => f.lives.command(e.pid, e.cmd, e.root === true),
  exit: (f, e) => {
    f.lives.exited(e.t, e.pid, e.code, e.signal);
    if (e.restart) f.restarts++;
  },
  alert: foldAlert,
  out: (f, e) => f.output.feed(e.s, e.x, e.t),
  note: (f, e) => (e.info ? remember(f.infoNotes, e.message) : remember(f.notes, e.message)),
  types: (f, e) => f.typeRows.add(e),
  disk: (f, e) => f.diskRows.add(e),
  tempLeft: (f, e) => f.diskRows.tempLeft(e),
  suspects: (f, e) => {
    f.suspects = [...(f.suspectsNamed ? f.suspects : []), ...e.suspects];
    f.suspectsNamed = true;
  },
  // kept as the agents saw it: ranking it is the judge's (analysis/rankSuspects.ts)
  evidence: (f, e) => {
    f.evidence.push(e.evidence);
    f.suspectsNamed = true;
  },
  oom: (f, e) => {
    f.oomKills.count++;
    f.oomKills.first ??= { t: e.t, usage: e.usage };
  },
  attribution: (f, e) => void (f.attribution = e.attribution),
  replicas: (f, e) => void (f.replicas = e.replicas),
  heaps: (f, e) => f.heaps.observe(phaseOfCode(e.p), e.procs),
  agentless: (f, e) => f.coverage.observe(e.procs, e.more),
  stepError: foldStepError,
  stopping: (f) => f.output.stopping(),
  retry: (f, e) => f.retries.add({ t: e.t, pid: e.pid, request: e.request, error: e.error }),
  firstStep: (f, e) => {
    f.output.started();
    f.startup.started(e.t, f.recorder.last());
  },
  end: (f, e) => void (f.tail = e.tail as unknown as StreamTail),
  target: (f, e) => {
    f.started = { ...(e.command ? { command: e.command } : {}), ...(e.runtime ? { runtime: e.runtime } : {}), ...(e.runtimeVersion ? { runtimeVersion: e.runtimeVersion } : {}) };
  },
  artifacts: (f, e) => void (f.artifacts = [...f.artifacts, ...e.files]),
  lateErrors: (f, e) => void f.lateErrors.push(...e.errors),
};

function remember(list: string[], m: string): void {
  if (list.length < MAX_NOTES && !list.includes(m)) list.push(m);
}

function foldHead(f: FoldState, e: EventOf<'head'>): void {
  const head = decodeHead(e.head);
  f.head = head;
  f.output = createOutputWatcher({ forbid: head.budgets.forbid, warnings: LEAK_WARNINGS, allow: head.budgets.allow, marksStart: head.marksStart === true });
}

function foldSample(f: FoldState, e: EventOf<'b' | 't'>): void {
  if (e.P) f.pids = e.P;
  const s = decodeSample(e, f.pids);
  f.samples++;
  const rss = s.values.rss;
  if (rss !== null && (f.peakRss === null || rss > f.peakRss)) f.peakRss = rss;
  if (s.phase === 'measured') {
    f.measuredFromT ??= s.t;
    f.measuredToT = s.t;
  }
  if (e.k === 'b') {
    f.lastBoundaryPhase = s.phase;
    f.recorder.boundary(s);
    if (s.phase === 'warmup') f.baseline = s;
  }
  else {
    f.recorder.timed(s);
    f.lives.observe(s.t, s.pids, e.R && e.R.length === s.pids.length ? e.R : null, rss);
  }
}

function foldLoad(f: FoldState, e: EventOf<'load'>): void {
  if (f.lastLoad && f.loadGaps.length < 64 && e.t > f.lastLoad.t) f.loadGaps.push(e.t - f.lastLoad.t);
  f.requests += e.n;
  f.lastLoad = { t: e.t, p99: e.p99, requests: e.n, errors: e.e };
  f.errors += e.e;
  f.load.add(e.t, { requests: e.n, errors: e.e, latencyP50: e.p50, latencyP99: e.p99, latencyP99Clean: e.c?.p99 ?? NaN });
  f.split.load(e);
  if (f.measuredFromT !== null && e.t >= f.measuredFromT) f.measuredP99.add(e.t, { p99: e.p99 });
}

function foldAlert(f: FoldState, e: EventOf<'alert'>): void {
  f.tally[e.level].count++;
  f.tally[e.level].firstT ??= e.t;
  // the only thresholds a soak has are on RSS (AlertSpec.rss)
  f.alertEvents.add({ t: e.t, level: e.level, resource: 'rss', message: e.message });
}

function foldStepError(f: FoldState, e: EventOf<'stepError'>): void {
  const errors = f.stepErrors;
  errors.count++;
  if (errors.first.length < KEEP_STEP_ERRORS) errors.first.push({ t: e.t, message: e.message });
  else errors.last = { t: e.t, message: e.message };
}

function foldedSeries(f: FoldState): ScenarioSeries {
  const built = f.recorder.build();
  const l = f.load.columns();
  const s = f.seep.columns();
  const intervalMs = f.loadGaps.length ? [...f.loadGaps].sort((a, b) => a - b)[f.loadGaps.length >> 1]! : undefined;
  const clean = f.split.seen() ? { latencyP99Clean: l.latencyP99Clean.map((x) => (Number.isNaN(x) ? null : x)) } : {};
  return { ...built, load: { ...(intervalMs !== undefined ? { intervalMs } : {}), t: l.t, requests: l.requests, errors: l.errors, latencyP50: l.latencyP50, latencyP99: l.latencyP99, ...clean }, seepRss: { t: s.t, rss: s.rss } };
}

/** Where the phases sit among the boundaries, and how many steps were measured. */
function phasesOf(sr: ScenarioSeries, tail: StreamTail | null) {
  const phases = sr.boundaries.phase;
  const baselineIndex = phases.lastIndexOf('warmup');
  const mFrom = phases.indexOf('measured');
  const sFrom = phases.indexOf('settle');
  const measured = mFrom >= 0 ? { from: mFrom, to: phases.lastIndexOf('measured') } : null;
  const iter = sr.boundaries.iteration;
  const stepsMeasured = tail?.steps.measured
    ?? (measured && baselineIndex >= 0 ? (iter[measured.to] ?? 0) - (iter[baselineIndex] ?? 0) : 0);
  const settle = sFrom >= 0 ? { from: sFrom, to: phases.lastIndexOf('settle') } : null;
  return { baselineIndex, measured, settle, measuredIterations: Math.max(0, stepsMeasured) };
}

function foldedObservations(f: FoldState): Observations {
  const { head, tail } = f;
  const sr = foldedSeries(f);
  const typeGrowth = f.typeRows.build();
  const disk = f.diskRows.build();
  return {
    targetKind: head?.target.kind ?? 'cli',
    series: sr,
    ...phasesOf(sr, tail),
    orphans: tail?.orphans ?? [],
    newSinceBaseline: tail?.newSinceBaseline ?? { processes: [], sockets: [], fds: [] },
    fileSizes: tail?.fileSizes ?? {},
    ...(tail?.fileEntries ? { fileEntries: tail.fileEntries } : {}),
    ...(disk ? { disk } : {}),
    output: f.output.summary(),
    measuredHours: f.measuredFromT === null ? 0 : (f.measuredToT - f.measuredFromT) / 3_600_000,
    measure: head?.measure && 'steps' in head.measure ? 'steps' : 'time',
    peakRss: f.peakRss,
    seepPeak: f.seepPeak,
    alerts: f.tally,
    stepErrors: f.stepErrors,
    ...(f.oomKills.count > 0 ? { oomKills: f.oomKills } : {}),
    steps: tail ? tail.steps.warmup + tail.steps.measured : null,
    ...(f.suspectsNamed ? { suspects: f.suspects, suspectEvidence: [...f.evidence] } : {}),
    ...(typeGrowth ? { typeGrowth } : {}),
    ...(f.lastLoad !== null ? { load: { p99s: f.measuredP99.columns().p99, requests: f.requests, errors: f.errors } } : {}),
    ...(head?.target.attached ? { outputUnread: `seep attached to pid ${head.target.attached.pid ?? '?'} and did not start it: its output goes where it always did, not to seep` } : {}),
    ...(head?.target.remote ? { remote: head.target.remote, outputUnread: 'a service observed through Prometheus prints where it runs, not to seep' } : {}),
    ...(f.replicas ? { replicas: replicaVerdicts(f.replicas) } : {}),
  };
}

function foldedRun(f: FoldState): FoldedRun {
  const obs = foldedObservations(f);
  const { head, startup, retries } = f;
  return {
    head,
    tail: f.tail,
    lastT: f.lastT,
    observations: obs,
    suspects: f.suspects,
    ...(f.attribution ? { attribution: f.attribution } : {}),
    started: f.started,
    restarts: f.restarts,
    processes: { seen: f.lives.seen(), summary: f.lives.summary(), list: f.lives.list() },
    processHeaps: { list: f.heaps.list(), changes: f.heaps.changes() },
    alerts: { list: f.alertEvents.list(), total: f.alertEvents.total(), dropped: f.alertEvents.dropped(), tally: f.tally },
    notes: [...f.notes],
    infoNotes: [...f.infoNotes],
    artifacts: f.artifacts,
    lateErrors: [...f.lateErrors],
    soakShare: head?.measure && 'ms' in head.measure ? f.split.summary(obs.measuredHours) : null,
    agentless: f.coverage.observed(),
    ...(startup.report() ? { startup: startup.report()! } : {}),
    ...(retries.report() ? { retries: retries.report()! } : {}),
    ...(f.replicas ? { replicas: f.replicas } : {}),
  };
}
