// What the runner hands to analysis: everything observed about one scenario, no I/O left to do.
import type { DiskSeries, Leftover, LoadTotals, OutputSummary, RemoteTarget, ScenarioSeries, Suspect, TypeGrowthSeries, WarningGroup } from '../report/runReportSchema.ts';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import type { ReplicaVerdict } from './replicaVerdicts.ts';

export interface Observations {
  targetKind: 'service' | 'module' | 'cli';
  series: ScenarioSeries;
  /** index into series.boundaries of the post-warmup baseline sample, or -1 when there is none */
  baselineIndex: number;
  /** indices into series.boundaries of the measured iterations (inclusive), or null when none ran */
  measured: { from: number; to: number } | null;
  /** indices into series.boundaries of the reads taken after the settle period, or null */
  settle: { from: number; to: number } | null;
  measuredIterations: number;
  /** processes carrying the run cookie still alive after the steps or the target ended */
  orphans: Leftover[];
  /** identities present at the end that were not there at the baseline */
  /** handles: types with more open than at the baseline, from the agent */
  newSinceBaseline: { processes: Leftover[]; sockets: Leftover[]; fds: Leftover[]; handles?: Leftover[] };
  /** sizes in bytes of the files named in budgets.files at the end (null: does not exist); a folder's is all it holds */
  fileSizes: Record<string, number | null>;
  /** the entries of the folders named in budgets.files at the end */
  fileEntries?: Record<string, number>;
  /** the paths on disk followed at every boundary, where disk was observed */
  disk?: DiskSeries;
  output: OutputSummary;
  /** every warning the agents counted, with its rate per measured step (analysis/warningCosts.ts) */
  warningCounts?: WarningGroup[];
  /** wall-clock hours of the measured phase, for per-hour rates */
  measuredHours: number;
  /** how the measured phase ended: after a count of steps (RSS judged per step) or a time (per hour) */
  measure?: 'steps' | 'time';
  /**
   * a soak's measured phase as its scenario plans it (its duration less a warmup by time), ms; the
   * window measured is shorter by however late the first checkpoint came. Absent: a counted run, a
   * warmup by steps, or a stream that does not say
   */
  plannedMeasuredMs?: number;
  /** the highest RSS seen, every sample counted (a soak's series are downsampled) */
  peakRss?: number | null;
  /** seep's own highest RSS during the run */
  seepPeak?: number | null;
  /** the scenario sends load (a soak's): none in the measured phase is then a failure, not "no load" */
  asksLoad?: boolean;
  /** the load phases' measured intervals; absent when no load ran */
  load?: { p99s: number[]; requests: number; errors: number; measuredRequests?: number; measured?: LoadTotals | null };
  /** RSS alert thresholds crossed upwards */
  alerts?: Record<'warning' | 'critical', AlertTally>;
  /** steps that threw and were tolerated (soaks), and all steps run */
  stepErrors?: StepErrorTally;
  steps?: number | null;
  /** OOM kills in the target's memory cgroup (memoryLimit), with the first one's time and usage */
  oomKills?: { count: number; first: { t: number; usage: number | null } | null };
  /**
   * what grew per step once the measured phase was over (the agents' three looks): older streams'
   * suspects as they were ranked, and the evidence of newer ones, which the judge ranks
   * (analysis/rankSuspects.ts); both absent when no looks were taken
   */
  suspects?: Suspect[];
  suspectEvidence?: SuspectEvidence[];
  /** what moved per type (Python) or allocation site (Node) at every boundary read, from the baseline on */
  typeGrowth?: TypeGrowthSeries;
  /** why the target's output was not read (a service seep attached to prints where it always did) */
  outputUnread?: string;
  /** a series from Prometheus (judged by analysis/remoteChecks.ts), or a deployed service whose replicas are */
  remote?: RemoteTarget;
  /** a deployed service driven while Prometheus watched it: its replicas' verdicts, judged apart */
  replicas?: ReplicaVerdict[];
}


export interface AlertTally {
  count: number;
  firstT: number | null;
}

export interface StepErrorTally {
  count: number;
  /** the first few messages, then the last */
  first: { t: number; message: string }[];
  last: { t: number; message: string } | null;
}
