// The fold of a run's events into what was observed, in fixed size whatever the run's length (a
// counted run or a week of soak): the series, bounded; the running figures the engine acts on while
// the run goes (peaks, alerts, restarts, the baseline); and, at any moment, the observations the judge
// reads and what else the report carries. The live run and `seep report` after a crash fold the same
// events, so a rebuilt report is the report the run would have written.
import type { AgentlessProcess, AlertEvent, Attribution, ProcessHeap, ProcessLife, Sample, ScenarioReport, ScenarioSeries, StartupPhase, StepRetry, Suspect, SuspectEvidence } from '../report/schema.ts';
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
import { countedWarnings, createWarningReads } from './warningReads.ts';
import { createLoadTally } from './loadTally.ts';
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
  let head: StreamHead | null = null;
  let tail: StreamTail | null = null;
  let suspects: Suspect[] = [];
  // whether any suspects were named (the agents took their looks): the types check needs them
  let suspectsNamed = false;
  const evidence: SuspectEvidence[] = [];
  let attribution: Attribution | undefined;
  // the target as started (command, runtime), the files kept and the problems told after the end
  let started: Pick<ScenarioReport['target'], 'command' | 'runtime' | 'runtimeVersion'> | null = null;
  let artifacts: string[] = [];
  const lateErrors: string[] = [];
  // a deployed service's replicas, judged from Prometheus once the run was over
  let replicas: ScenarioReport[] | null = null;
  const stepErrors: StepErrorTally = { count: 0, first: [], last: null };
  // 10,000 points is one every minute of a week: more than a chart can show, and half the memory of 20,000
  const recorder = createSeriesRecorder({ maxTimed: opts.maxTimed ?? 10_000, maxBoundaries: opts.maxBoundaries ?? 2000 });
  // the length of a raw load interval, from the first gaps (merged rows keep the mean per interval,
  // so their spacing no longer tells it)
  const loadGaps: number[] = [];
  const load = createBoundedColumns({ requests: 'mean', errors: 'max', latencyP50: 'max', latencyP99: 'max', latencyP99Clean: 'max' }, opts.maxLoadPoints ?? 4096);
  const split = createLatencyFold();
  const measuredP99 = createBoundedColumns({ p99: 'max' }, opts.maxLoadPoints ?? 4096);
  const seep = createBoundedColumns({ rss: 'max' }, opts.maxLoadPoints ?? 4096);
  const lives = createProcessLives();
  const typeRows = createTypeGrowthRows();
  const warningReads = createWarningReads();
  const measuredLoad = createLoadTally();
  const diskRows = createDiskRows();
  const heaps = createProcessHeaps();
  const coverage = createAgentCoverage();
  const startup = createStartupFold();
  const retries = createStepRetries();
  let output = createOutputWatcher({ forbid: [] });
  const tally: Record<'warning' | 'critical', AlertTally> = { warning: { count: 0, firstT: null }, critical: { count: 0, firstT: null } };
  // from the stream's alert events, not re-derived from samples: a rebuild reads the same events
  const alertEvents = createAlertEvents();
  const notes: string[] = [];
  const infoNotes: string[] = [];
  let pids: number[] = [];
  let peakRss: number | null = null;
  let seepPeak: number | null = null;
  let restarts = 0;
  let requests = 0;
  let measuredRequests = 0;
  let errors = 0;
  let samples = 0;
  let lastT = 0;
  let measuredFromT: number | null = null;
  let measuredToT = 0;
  let lastLoad: { t: number; p99: number; requests: number; errors: number } | null = null;
  let baseline: Sample | null = null;
  let lastBoundaryPhase: Sample['phase'] | null = null;

  const oomKills: { count: number; first: { t: number; usage: number | null } | null } = { count: 0, first: null };
  const note = (m: string) => {
    if (notes.length < MAX_NOTES && !notes.includes(m)) notes.push(m);
  };
  const remark = (m: string) => {
    if (infoNotes.length < MAX_NOTES && !infoNotes.includes(m)) infoNotes.push(m);
  };

  function add(e: StreamEvent): void {
    if ('t' in e) lastT = Math.max(lastT, e.t);
    switch (e.k) {
      case 'head':
        head = decodeHead(e.head);
        output = createOutputWatcher({ forbid: head.budgets.forbid, warnings: LEAK_WARNINGS, allow: head.budgets.allow, marksStart: head.marksStart === true });
        return;
      case 'b':
      case 't': {
        if (e.P) pids = e.P;
        const s = decodeSample(e, pids);
        samples++;
        const rss = s.values.rss;
        if (rss !== null && (peakRss === null || rss > peakRss)) peakRss = rss;
        if (s.phase === 'measured') {
          measuredFromT ??= s.t;
          measuredToT = s.t;
        }
        if (e.k === 'b') {
          lastBoundaryPhase = s.phase;
          recorder.boundary(s);
          if (s.phase === 'warmup') baseline = s;
        }
        else {
          recorder.timed(s);
          lives.observe(s.t, s.pids, e.R && e.R.length === s.pids.length ? e.R : null, rss);
        }
        return;
      }
      case 'load':
        if (lastLoad && loadGaps.length < 64 && e.t > lastLoad.t) loadGaps.push(e.t - lastLoad.t);
        requests += e.n;
        lastLoad = { t: e.t, p99: e.p99, requests: e.n, errors: e.e };
        errors += e.e;
        load.add(e.t, { requests: e.n, errors: e.e, latencyP50: e.p50, latencyP99: e.p99, latencyP99Clean: e.c?.p99 ?? NaN });
        split.load(e);
        if (measuredFromT !== null && e.t >= measuredFromT) {
          measuredP99.add(e.t, { p99: e.p99 });
          measuredRequests += e.n;
          measuredLoad.add(e);
        }
        return;
      case 'pause':
        // written right after its checkpoint's boundary line: the measured phase's, or not
        if (lastBoundaryPhase === 'measured') split.pause(e);
        return;
      case 'seep':
        seep.add(e.t, { rss: e.rss });
        if (seepPeak === null || e.rss > seepPeak) seepPeak = e.rss;
        return;
      case 'cmd':
        lives.command(e.pid, e.cmd, e.root === true);
        return;
      case 'exit':
        lives.exited(e.t, e.pid, e.code, e.signal);
        if (e.restart) restarts++;
        return;
      case 'alert':
        tally[e.level].count++;
        tally[e.level].firstT ??= e.t;
        // the only thresholds a soak has are on RSS (AlertSpec.rss)
        alertEvents.add({ t: e.t, level: e.level, resource: 'rss', message: e.message });
        return;
      case 'out':
        output.feed(e.s, e.x, e.t);
        return;
      case 'note':
        if (e.info) remark(e.message);
        else note(e.message);
        return;
      case 'warns':
        warningReads.add(phaseOfCode(e.p), e.g);
        return;
      case 'types':
        typeRows.add(e);
        return;
      case 'disk':
        diskRows.add(e);
        return;
      case 'tempLeft':
        diskRows.tempLeft(e);
        return;
      case 'suspects':
        suspects = [...(suspectsNamed ? suspects : []), ...e.suspects];
        suspectsNamed = true;
        return;
      case 'evidence':
        // kept as the agents saw it: ranking it is the judge's (analysis/rankSuspects.ts)
        evidence.push(e.evidence);
        suspectsNamed = true;
        return;
      case 'oom':
        oomKills.count++;
        oomKills.first ??= { t: e.t, usage: e.usage };
        return;
      case 'attribution':
        attribution = e.attribution;
        return;
      case 'replicas':
        replicas = e.replicas;
        return;
      case 'heaps':
        heaps.observe(phaseOfCode(e.p), e.procs);
        return;
      case 'agentless':
        coverage.observe(e.procs, e.more);
        return;
      case 'stepError':
        stepErrors.count++;
        if (stepErrors.first.length < KEEP_STEP_ERRORS) stepErrors.first.push({ t: e.t, message: e.message });
        else stepErrors.last = { t: e.t, message: e.message };
        return;
      case 'stopping':
        output.stopping();
        return;
      case 'retry':
        retries.add({ t: e.t, pid: e.pid, request: e.request, error: e.error });
        return;
      case 'firstStep':
        output.started();
        startup.started(e.t, recorder.last());
        return;
      case 'end':
        tail = e.tail as unknown as StreamTail;
        return;
      case 'target':
        started = { ...(e.command ? { command: e.command } : {}), ...(e.runtime ? { runtime: e.runtime } : {}), ...(e.runtimeVersion ? { runtimeVersion: e.runtimeVersion } : {}) };
        return;
      case 'artifacts':
        artifacts = [...artifacts, ...e.files];
        return;
      case 'lateErrors':
        lateErrors.push(...e.errors);
        return;
    }
  }

  function series(): ScenarioSeries {
    const built = recorder.build();
    const l = load.columns();
    const s = seep.columns();
    const intervalMs = loadGaps.length ? [...loadGaps].sort((a, b) => a - b)[loadGaps.length >> 1]! : undefined;
    const clean = split.seen() ? { latencyP99Clean: l.latencyP99Clean.map((x) => (Number.isNaN(x) ? null : x)) } : {};
    return { ...built, load: { ...(intervalMs !== undefined ? { intervalMs } : {}), t: l.t, requests: l.requests, errors: l.errors, latencyP50: l.latencyP50, latencyP99: l.latencyP99, ...clean }, seepRss: { t: s.t, rss: s.rss } };
  }

  function observations(): Observations {
    const sr = series();
    const typeGrowth = typeRows.build();
    const disk = diskRows.build();
    const phases = sr.boundaries.phase;
    const baselineIndex = phases.lastIndexOf('warmup');
    const mFrom = phases.indexOf('measured');
    const sFrom = phases.indexOf('settle');
    const measured = mFrom >= 0 ? { from: mFrom, to: phases.lastIndexOf('measured') } : null;
    const iter = sr.boundaries.iteration;
    const stepsMeasured = tail?.steps.measured
      ?? (measured && baselineIndex >= 0 ? (iter[measured.to] ?? 0) - (iter[baselineIndex] ?? 0) : 0);
    const warningCounts = countedWarnings(warningReads.reads(), Math.max(0, stepsMeasured));
    return {
      targetKind: head?.target.kind ?? 'cli',
      series: sr,
      baselineIndex,
      measured,
      settle: sFrom >= 0 ? { from: sFrom, to: phases.lastIndexOf('settle') } : null,
      measuredIterations: Math.max(0, stepsMeasured),
      orphans: tail?.orphans ?? [],
      newSinceBaseline: tail?.newSinceBaseline ?? { processes: [], sockets: [], fds: [] },
      fileSizes: tail?.fileSizes ?? {},
      ...(tail?.fileEntries ? { fileEntries: tail.fileEntries } : {}),
      ...(disk ? { disk } : {}),
      output: output.summary(),
      ...(warningCounts.length > 0 ? { warningCounts } : {}),
      measuredHours: measuredFromT === null ? 0 : (measuredToT - measuredFromT) / 3_600_000,
      measure: head?.measure && 'steps' in head.measure ? 'steps' : 'time',
      peakRss,
      seepPeak,
      alerts: tally,
      stepErrors,
      ...(oomKills.count > 0 ? { oomKills } : {}),
      steps: tail ? tail.steps.warmup + tail.steps.measured : null,
      ...(suspectsNamed ? { suspects, suspectEvidence: [...evidence] } : {}),
      ...(typeGrowth ? { typeGrowth } : {}),
      ...(lastLoad !== null ? { load: { p99s: measuredP99.columns().p99, requests, errors, measuredRequests, measured: measuredLoad.totals() } } : {}),
      ...(head?.target.attached ? { outputUnread: `seep attached to pid ${head.target.attached.pid ?? '?'} and did not start it: its output goes where it always did, not to seep` } : {}),
      ...(head?.target.remote ? { remote: head.target.remote, outputUnread: 'a service observed through Prometheus prints where it runs, not to seep' } : {}),
      ...(replicas ? { replicas: replicaVerdicts(replicas) } : {}),
    };
  }

  return {
    add,
    head: () => head,
    last: () => recorder.last(),
    peakRss: () => peakRss,
    seepPeak: () => seepPeak,
    restarts: () => restarts,
    alertCount: (level) => tally[level].count,
    lastLoad: () => lastLoad,
    baselineSample: () => baseline,
    totals: () => ({ samples, requests, errors, alerts: tally.warning.count + tally.critical.count, stepErrors: stepErrors.count }),
    folded() {
      const obs = observations();
      return {
        head,
        tail,
        lastT,
        observations: obs,
        suspects,
        ...(attribution ? { attribution } : {}),
        started,
        restarts,
        processes: { seen: lives.seen(), summary: lives.summary(), list: lives.list() },
        processHeaps: { list: heaps.list(), changes: heaps.changes() },
        alerts: { list: alertEvents.list(), total: alertEvents.total(), dropped: alertEvents.dropped(), tally },
        notes: [...notes],
        infoNotes: [...infoNotes],
        artifacts,
        lateErrors: [...lateErrors],
        soakShare: head?.measure && 'ms' in head.measure ? split.summary(obs.measuredHours) : null,
        agentless: coverage.observed(),
        ...(startup.report() ? { startup: startup.report()! } : {}),
        ...(retries.report() ? { retries: retries.report()! } : {}),
        ...(replicas ? { replicas } : {}),
      };
    },
  };
}
