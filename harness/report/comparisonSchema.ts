// The comparison document: `seep compare` and `--baseline` read two runs figure by figure.

import type { Metric } from './sampleSchema.ts';
import type { BaselineRun, CheckId, ExitCode, RegressionKey, Resource, ScenarioSeries } from './runReportSchema.ts';

/** The difference of one figure between two runs (analysis/slopeDifference.ts has the rule). */
export interface FigureDifference {
  /** after minus before, in `unit` (per `per` for slopes) */
  value: number;
  /** its interval at `confidence`; equal to value for exact counts */
  low: number;
  high: number;
  confidence: number;
  /** the interval excludes 0 */
  significant: boolean;
  /** how much worse after may be before it counts: max(relative × |before|, floor), in `unit` */
  tolerance: number;
  /** worse: the interval lies above +tolerance; better: below −tolerance; else same */
  verdict: 'worse' | 'better' | 'same';
}

/** Which figure: a slope of a series, or a count left over after the settle, in its unit. */
export interface FigureIdentity {
  key: RegressionKey;
  resource: Resource;
  /** the series it was measured on */
  series: Metric;
  kind: 'slope' | 'leftOver';
  unit: string;
  per?: 'iteration' | 'hour';
}

/** One figure of one scenario in two runs: a slope with its interval, or a count left over after the settle. */
export interface ComparedFigure extends FigureIdentity {
  /** null when that run has no such figure (no agent, too few samples) */
  before: ComparedSide | null;
  after: ComparedSide | null;
  /** null when either side is missing */
  difference: FigureDifference | null;
}

export interface ComparedSide {
  value: number;
  low: number;
  high: number;
  /** the trend's verdict for a slope ('leak', 'bounded', 'inconclusive'); for counts, pass or fail of its check */
  verdict: string;
  /** a check's figure, or computed from the stored series the same way (no check judged it: a budget replaced it) */
  source: 'check' | 'series';
}

/** One figure of one run, as a comparison reads it (analysis/runFigures.ts). */
export interface RunFigure extends ComparedSide, FigureIdentity {
  /** of [low, high]; 1 for exact counts */
  confidence: number;
  /** the smallest difference worth calling worse, in `unit`: the tolerance's floor */
  floor: number;
}

export interface ComparedCheck {
  id: CheckId;
  before: { pass: boolean; message: string } | null;
  after: { pass: boolean; message: string } | null;
}

export interface ScenarioComparison {
  name: string;
  figures: ComparedFigure[];
  checks: ComparedCheck[];
  /** the worse figures' keys and the checks that passed before and fail after */
  worse: string[];
  better: string[];
  /** both runs' series, for drawing on shared axes */
  series: { before: ScenarioSeries; after: ScenarioSeries };
}

/** `seep compare`: two runs of the same scenarios, figure by figure. */
export interface RunComparison {
  before: BaselineRun & { startedAt: string };
  after: BaselineRun & { startedAt: string };
  /** the relative tolerance, e.g. 0.1 */
  tolerance: number;
  /** why the runs cannot be compared (different scenarios, one errored); empty when they can */
  incomparable: string[];
  scenarios: ScenarioComparison[];
  /** 2 incomparable, 1 after is worse somewhere, 0 not */
  exitCode: ExitCode;
}
