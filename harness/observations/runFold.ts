// The fold of a run's events into what was observed, in fixed size whatever the run's length (a
// counted run or a week of soak): the series, bounded; the running figures the engine acts on while
// the run goes (peaks, alerts, restarts, the baseline); and, at any moment, the observations the judge
// reads and what else the report carries. The live run and `seep report` after a crash fold the same
// events, so a rebuilt report is the report the run would have written.
import type { Sample } from '../report/sampleSchema.ts';
import { decodeSample, phaseOfCode, type StreamEvent } from '../series/sampleStream.ts';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import { LEAK_WARNINGS } from '../scenario/leakWarnings.ts';
import { decodeHead, type StreamHead, type StreamTail } from './streamHead.ts';
import { openFold, type FoldState, type RunFoldOptions } from './foldState.ts';
import { foldedRun, type FoldedRun } from './foldedRun.ts';

/** Step errors whose messages a soak keeps, besides the last: a week of them must not grow. */
const KEEP_STEP_ERRORS = 3;
const MAX_NOTES = 100;

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
  warns: (f, e) => f.warningReads.add(phaseOfCode(e.p), e.g),
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
    f.started = {
      ...f.started,
      ...(e.command ? { command: e.command } : {}),
      ...(e.runtime ? { runtime: e.runtime } : {}),
      ...(e.runtimeVersion ? { runtimeVersion: e.runtimeVersion } : {}),
      ...(e.attached ? { attached: e.attached } : {}),
    };
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
  if (f.measuredFromT !== null && e.t >= f.measuredFromT) {
    f.measuredP99.add(e.t, { p99: e.p99 });
    f.measuredRequests += e.n;
    f.measuredLoad.add(e);
  }
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
