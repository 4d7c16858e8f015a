// The folded run, read from the fold's state at any moment: the observations the judge reads and what
// else the report carries.
import type { AgentlessProcess, AlertEvent, Attribution, ProcessHeap, ProcessLife, ScenarioReport, ScenarioSeries, StartupPhase, StepRetry, Suspect } from '../report/runReportSchema.ts';
import type { AlertTally, Observations } from './observations.ts';
import type { FoldState } from './foldState.ts';
import type { LivesSummary } from './processLives.ts';
import type { StreamHead, StreamTail } from './streamHead.ts';
import type { SoakShare } from './latencyFold.ts';
import { replicaVerdicts } from './replicaVerdicts.ts';
import { countedWarnings } from './warningReads.ts';

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
  /** the target as started: its command and runtime; an attached service as resolved */
  started: Pick<ScenarioReport['target'], 'command' | 'runtime' | 'runtimeVersion' | 'attached'> | null;
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

/** A soak's measured phase as planned: its length less a warmup by time (by steps, its time is not known). */
function plannedMeasured(head: StreamHead | null): { plannedMeasuredMs?: number } {
  if (!head?.measure || !('ms' in head.measure)) return {};
  const warmupMs = 'ms' in head.warmup ? head.warmup.ms : head.warmup.steps === 0 ? 0 : null;
  return warmupMs === null ? {} : { plannedMeasuredMs: Math.max(0, head.measure.ms - warmupMs) };
}

function foldedObservations(f: FoldState): Observations {
  const { head, tail } = f;
  const sr = foldedSeries(f);
  const typeGrowth = f.typeRows.build();
  const disk = f.diskRows.build();
  const phases = phasesOf(sr, tail);
  const warningCounts = countedWarnings(f.warningReads.reads(), phases.measuredIterations);
  return {
    targetKind: head?.target.kind ?? 'cli',
    series: sr,
    ...phases,
    orphans: tail?.orphans ?? [],
    newSinceBaseline: tail?.newSinceBaseline ?? { processes: [], sockets: [], fds: [] },
    fileSizes: tail?.fileSizes ?? {},
    ...(tail?.fileEntries ? { fileEntries: tail.fileEntries } : {}),
    ...(disk ? { disk } : {}),
    output: f.output.summary(),
    ...(warningCounts.length > 0 ? { warningCounts } : {}),
    measuredHours: f.measuredFromT === null ? 0 : (f.measuredToT - f.measuredFromT) / 3_600_000,
    measure: head?.measure && 'steps' in head.measure ? 'steps' : 'time',
    ...plannedMeasured(head),
    ...(head?.asksLoad ? { asksLoad: true } : {}),
    peakRss: f.peakRss,
    seepPeak: f.seepPeak,
    alerts: f.tally,
    stepErrors: f.stepErrors,
    ...(f.oomKills.count > 0 ? { oomKills: f.oomKills } : {}),
    steps: tail ? tail.steps.warmup + tail.steps.measured : null,
    ...(f.suspectsNamed ? { suspects: f.suspects, suspectEvidence: [...f.evidence] } : {}),
    ...(typeGrowth ? { typeGrowth } : {}),
    ...(f.lastLoad !== null ? { load: { p99s: f.measuredP99.columns().p99, requests: f.requests, errors: f.errors, measuredRequests: f.measuredRequests, measured: f.measuredLoad.totals() } } : {}),
    ...(head?.target.attached ? { outputUnread: `seep attached to pid ${head.target.attached.pid ?? '?'} and did not start it: its output goes where it always did, not to seep` } : {}),
    ...(head?.target.remote ? { remote: head.target.remote, outputUnread: 'a service observed through Prometheus prints where it runs, not to seep' } : {}),
    ...(f.replicas ? { replicas: replicaVerdicts(f.replicas) } : {}),
  };
}

export function foldedRun(f: FoldState): FoldedRun {
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
