// The state a run's fold keeps, each part bounded whatever the run's length: what every kind of event
// adds to (runFold.ts) and what the folded run is read from (foldedRun.ts).
import type { Sample } from '../report/sampleSchema.ts';
import type { Attribution, ScenarioReport, Suspect } from '../report/runReportSchema.ts';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { createBoundedColumns } from '../series/boundedColumns.ts';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import type { AlertTally, StepErrorTally } from './observations.ts';
import { createAlertEvents } from './alertEvents.ts';
import { createProcessLives } from './processLives.ts';
import { createProcessHeaps } from './processHeaps.ts';
import { createAgentCoverage } from './agentCoverage.ts';
import { createStartupFold } from './startupFold.ts';
import { createStepRetries } from './stepRetries.ts';
import type { StreamHead, StreamTail } from './streamHead.ts';
import { createTypeGrowthRows } from './typeGrowthRows.ts';
import { createWarningReads } from './warningReads.ts';
import { createLoadTally } from './loadTally.ts';
import { createLatencyFold } from './latencyFold.ts';
import { createDiskRows } from './diskRows.ts';

export interface RunFoldOptions {
  maxTimed?: number;
  maxBoundaries?: number;
  maxLoadPoints?: number;
}

/** The fold's state: what each event kind adds to, each part bounded. */
export function openFold(opts: RunFoldOptions) {
  const maxLoadPoints = opts.maxLoadPoints ?? 4096;
  return {
    head: null as StreamHead | null,
    tail: null as StreamTail | null,
    suspects: [] as Suspect[],
    // whether any suspects were named (the agents took their looks): the types check needs them
    suspectsNamed: false,
    evidence: [] as SuspectEvidence[],
    attribution: undefined as Attribution | undefined,
    // the target as started (command, runtime, an attached service as resolved), the files kept and the problems told after the end
    started: null as Pick<ScenarioReport['target'], 'command' | 'runtime' | 'runtimeVersion' | 'attached'> | null,
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
    warningReads: createWarningReads(),
    // the measured phase's load, accounted as a load tester does
    measuredLoad: createLoadTally(),
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
    measuredRequests: 0,
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

export type FoldState = ReturnType<typeof openFold>;
