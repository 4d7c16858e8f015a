// Everything a run keeps in memory (a counted run or a soak), in fixed size whatever its length, fed by the same events
// that go to the sample stream. The live run and `seep report` after a crash both build their
// report here from those events, so a rebuilt report is the report the run would have written.
import { corroborateSuspects } from '../analysis/corroboratedSuspects.ts';
import type { Attribution, Check, Sample, ScenarioReport, ScenarioSeries, Suspect } from '../report/schema.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { createBoundedColumns } from '../series/boundedColumns.ts';
import { decodeSample, phaseOfCode, type StreamEvent } from '../series/sampleStream.ts';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import { judge } from '../analysis/judge.ts';
import { headlines } from '../analysis/memoryChecks.ts';
import type { AlertTally, Observations, StepErrorTally } from '../analysis/observations.ts';
import { LEAK_WARNINGS } from '../scenario/leakWarnings.ts';
import { planBudgets, type AlertLevel, type BudgetPlan } from '../scenario/runPlan.ts';
import { scenarioVerdict } from '../verdict/verdict.ts';
import { createAlertEvents, KEEP_ALERTS } from './alertEvents.ts';
import { createProcessLives } from './processLives.ts';
import { createProcessHeaps } from './processHeaps.ts';
import { decodeHead, type StreamHead, type StreamTail } from './streamHead.ts';
import { createTypeGrowthRows } from './typeGrowthRows.ts';
import { formatElapsed, latencyHeadline } from '../analysis/soakChecks.ts';
import { countedWarnings } from '../analysis/warningCosts.ts';
import { createWarningReads } from './warningReads.ts';
import { createLoadTally } from './loadTally.ts';

/** Step errors whose messages a soak keeps, besides the last: a week of them must not grow. */
const KEEP_STEP_ERRORS = 3;

export interface RunAggregateOptions {
  maxTimed?: number;
  maxBoundaries?: number;
  maxLoadPoints?: number;
}

const MAX_NOTES = 100;

export interface RunAggregate {
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
  /** the report of what was seen so far; `live` while the run goes on, else a missing end means seep died */
  report(opts?: { live?: boolean; source?: string }): ScenarioReport;
  checks(): Check[];
  totals(): { samples: number; requests: number; errors: number; alerts: number; stepErrors: number };
}

export function createRunAggregate(opts: RunAggregateOptions = {}): RunAggregate {
  let head: StreamHead | null = null;
  let budgets: BudgetPlan = planBudgets();
  let alertLevels: AlertLevel[] = [];
  let tail: StreamTail | null = null;
  let suspects: Suspect[] = [];
  // whether any suspects were named (the agents took their looks): the types check needs them
  let suspectsNamed = false;
  let attribution: Attribution | undefined;
  const stepErrors: StepErrorTally = { count: 0, first: [], last: null };
  // 10,000 points is one every minute of a week: more than a chart can show, and half the memory of 20,000
  const recorder = createSeriesRecorder({ maxTimed: opts.maxTimed ?? 10_000, maxBoundaries: opts.maxBoundaries ?? 2000 });
  // the length of a raw load interval, from the first gaps (merged rows keep the mean per interval,
  // so their spacing no longer tells it)
  const loadGaps: number[] = [];
  const load = createBoundedColumns({ requests: 'mean', errors: 'max', latencyP50: 'max', latencyP99: 'max' }, opts.maxLoadPoints ?? 4096);
  const measuredP99 = createBoundedColumns({ p99: 'max' }, opts.maxLoadPoints ?? 4096);
  const seep = createBoundedColumns({ rss: 'max' }, opts.maxLoadPoints ?? 4096);
  const lives = createProcessLives();
  const typeRows = createTypeGrowthRows();
  const heaps = createProcessHeaps();
  const warningReads = createWarningReads();
  const measuredLoad = createLoadTally();
  let output = createOutputWatcher({ forbid: [] });
  const tally: Record<'warning' | 'critical', AlertTally> = { warning: { count: 0, firstT: null }, critical: { count: 0, firstT: null } };
  // from the stream's alert events, not re-derived from samples: a rebuild reads the same events
  const alertEvents = createAlertEvents();
  const notes: string[] = [];
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

  const oomKills: { count: number; first: { t: number; usage: number | null } | null } = { count: 0, first: null };
  const note = (m: string) => {
    if (notes.length < MAX_NOTES && !notes.includes(m)) notes.push(m);
  };

  function add(e: StreamEvent): void {
    if ('t' in e) lastT = Math.max(lastT, e.t);
    switch (e.k) {
      case 'head':
        head = decodeHead(e.head);
        budgets = head.budgets;
        alertLevels = head.alerts;
        output = createOutputWatcher({ forbid: budgets.forbid, warnings: LEAK_WARNINGS, allow: budgets.allow });
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
        load.add(e.t, { requests: e.n, errors: e.e, latencyP50: e.p50, latencyP99: e.p99 });
        if (measuredFromT !== null && e.t >= measuredFromT) {
          measuredP99.add(e.t, { p99: e.p99 });
          measuredRequests += e.n;
          measuredLoad.add(e);
        }
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
        note(e.message);
        return;
      case 'types':
        typeRows.add(e);
        return;
      case 'suspects':
        suspects = [...(suspectsNamed ? suspects : []), ...e.suspects];
        suspectsNamed = true;
        return;
      case 'oom':
        oomKills.count++;
        oomKills.first ??= { t: e.t, usage: e.usage };
        return;
      case 'attribution':
        attribution = e.attribution;
        return;
      case 'heaps':
        heaps.observe(phaseOfCode(e.p), e.procs);
        return;
      case 'warns':
        warningReads.add(phaseOfCode(e.p), e.g);
        return;
      case 'stepError':
        stepErrors.count++;
        if (stepErrors.first.length < KEEP_STEP_ERRORS) stepErrors.first.push({ t: e.t, message: e.message });
        else stepErrors.last = { t: e.t, message: e.message };
        return;
      case 'stopping':
        output.stopping();
        return;
      case 'end':
        tail = e.tail as unknown as StreamTail;
        return;
    }
  }

  function series(): ScenarioSeries {
    const built = recorder.build();
    const l = load.columns();
    const s = seep.columns();
    const intervalMs = loadGaps.length ? [...loadGaps].sort((a, b) => a - b)[loadGaps.length >> 1]! : undefined;
    return { ...built, load: { ...(intervalMs !== undefined ? { intervalMs } : {}), t: l.t, requests: l.requests, errors: l.errors, latencyP50: l.latencyP50, latencyP99: l.latencyP99 }, seepRss: { t: s.t, rss: s.rss } };
  }

  function observations(): Observations {
    const sr = series();
    const typeGrowth = typeRows.build();
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
      ...(suspectsNamed ? { suspects } : {}),
      ...(typeGrowth ? { typeGrowth } : {}),
      ...(lastLoad !== null ? { load: { p99s: measuredP99.columns().p99, requests, errors, measuredRequests, measured: measuredLoad.totals() } } : {}),
      ...(head?.target.attached ? { outputUnread: `seep attached to pid ${head.target.attached.pid ?? '?'} and did not start it: its output goes where it always did, not to seep` } : {}),
    };
  }

  function checks(obs = observations()): Check[] {
    if (!head) return [];
    return judge(obs, budgets, alertLevels);
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
    checks: () => checks(),
    report(ropts = {}) {
      if (!head) throw new Error(`${ropts.source ?? 'sample stream'}: no head line: not a seep sample stream, or cut before its first line`);
      const h: StreamHead = head;
      const obs = observations();
      const cs = checks(obs);
      let error = tail?.error;
      if (!tail && !ropts.live) {
        const of = h.measure && 'steps' in h.measure
          ? `after ${obs.measuredIterations} of ${h.measure.steps} measured steps`
          : `last sample at ${formatElapsed(lastT)} of ${formatElapsed(h.durationMs)}`;
        error = `seep stopped before the run ended (${of})` + (ropts.source ? `; report rebuilt from ${ropts.source}` : '');
      }
      const startedMs = Date.parse(h.startedAt);
      const finishedAt = tail?.finishedAt ?? new Date(startedMs + lastT).toISOString();
      // a run cut short whose measured checks already fail is a failure, not "could not run"
      let cutShort: string | undefined;
      if (!tail && !ropts.live && error && cs.some((c) => !c.pass && c.measured !== false)) {
        cutShort = error.replace('seep stopped before the run ended', 'cut short');
        error = undefined;
      }
      const report: ScenarioReport = {
        name: h.name,
        file: h.file,
        verdict: scenarioVerdict(cs, error),
        startedAt: h.startedAt,
        finishedAt,
        durationMs: Date.parse(finishedAt) - startedMs,
        target: h.target,
        iterations: tail ? { ...tail.steps } : { warmup: 0, measured: obs.measuredIterations },
        checks: cs,
        headlines: latencyHeadline(headlines(obs), obs.load?.p99s ?? []),
        series: obs.series,
        suspects: corroborateSuspects(suspects, cs, obs.typeGrowth?.runtime ?? suspects[0]?.runtime),
        ...(obs.typeGrowth ? { typeGrowth: obs.typeGrowth } : {}),
        output: obs.output,
        ...(obs.warningCounts ? { warningCounts: obs.warningCounts } : {}),
        ...(obs.load?.measured ? { load: obs.load.measured } : {}),
      };
      if (error) report.error = error;
      if (cutShort) report.cutShort = cutShort;
      if (attribution) report.attribution = attribution;
      if (lives.seen() > 1 || lives.summary().ended > 0) report.processes = lives.list();
      const perProcess = heaps.list();
      if (perProcess.length > 1) report.processHeaps = perProcess;
      if (restarts > 0 || h.target.kind === 'service') report.restarts = restarts;
      if (alertEvents.total() > 0) report.alerts = alertEvents.list();
      const probeErrors = [...(tail?.probeErrors ?? []), ...notes];
      if (tail?.stoppedEarly) probeErrors.unshift(`stopped early: ${tail.stoppedEarly}`);
      if (tail?.interrupted) probeErrors.unshift('interrupted: the run was stopped early by a signal');
      const recycled = lives.summary();
      if (recycled.recycled > 0) probeErrors.push(`${recycled.recycled} worker(s) recycled; the largest reached ${Math.round(recycled.maxRecycledPeak / 1e6)} MB before it was replaced`);
      const heapChanges = heaps.changes();
      if (heapChanges.started + heapChanges.gone > 0) {
        probeErrors.push(`the runtime heap is summed over the processes whose agents answered at each boundary: ${heapChanges.gone} of those read at the baseline were gone by the end and ${heapChanges.started} started after it (recycled or replaced workers), so the summed heap does not cover the same processes throughout; see the heap per process`);
      }
      if (alertEvents.dropped() > 0) {
        probeErrors.push(`${alertEvents.dropped()} of ${alertEvents.total()} alerts (${tally.warning.count} warning, ${tally.critical.count} critical) are not listed: the report keeps the first ${KEEP_ALERTS} and the latest ${KEEP_ALERTS}`);
      }
      if (probeErrors.length > 0) report.probeErrors = [...new Set(probeErrors)];
      if (tail?.observerCost) report.observerCost = tail.observerCost;
      return report;
    },
  };
}
