// What the runner hands to analysis: everything observed about one scenario, no I/O left to do.
import type { Leftover, OutputSummary, ScenarioSeries } from '../report/schema.ts';

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
  newSinceBaseline: { processes: Leftover[]; sockets: Leftover[]; fds: Leftover[] };
  /** sizes in bytes of the files named in budgets.files at the end (null: does not exist) */
  fileSizes: Record<string, number | null>;
  output: OutputSummary;
  /** wall-clock hours of the measured phase, for per-hour rates */
  measuredHours: number;
}
