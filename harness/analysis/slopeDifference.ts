// Whether one run's slope is worse than another's, from each slope and its confidence interval.
//
// The rule (Altman & Bland, "Interaction revisited: the difference between two estimates",
// BMJ 2003;326:219): each interval is read as estimate ± z·SE, so SE = (high − low) / (2z); the
// difference of two independent estimates has SE = √(SE₁² + SE₂²), and its interval at the same
// level is difference ± z·SE. Theil–Sen's interval (Sen 1968) is not symmetric; its half-width is
// what the approximation uses, which is conservative when one side is much longer.
//
// Significant: the interval of the difference excludes 0. Worse: it lies wholly above the
// tolerance, so "after" is worse by more than the tolerance at that confidence; better: wholly
// below minus the tolerance; else the same. The tolerance is a share of the "before" slope with a
// floor in the unit (trend.ts's defaultFloor: 4 KiB per iteration, 1 MB per hour, 0.02 objects per
// iteration; BLOCK_CREEP for pymalloc blocks), so two slopes near zero never differ by noise alone.
import type { FigureDifference } from '../report/comparisonSchema.ts';
import { normalQuantile } from './normalDistribution.ts';

export interface Estimate {
  value: number;
  low: number;
  high: number;
}

/** The default share of the before slope that after may exceed it by: `--tolerance 10%`. */
export const DEFAULT_TOLERANCE = 0.1;

export function toleranceFor(before: Estimate, relative: number, floor: number): number {
  return Math.max(relative * Math.abs(before.value), floor);
}

export function slopeDifference(before: Estimate, after: Estimate, confidence: number, tolerance: number): FigureDifference {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = (e: Estimate) => Math.max(0, e.high - e.low) / (2 * z);
  const value = after.value - before.value;
  const half = z * Math.hypot(se(before), se(after));
  return judged(value, value - half, value + half, confidence, tolerance);
}

/** Exact figures (counts left over after the settle): no interval, the difference is what it is. */
export function countDifference(before: number, after: number, tolerance: number): FigureDifference {
  const value = after - before;
  return judged(value, value, value, 1, tolerance);
}

function judged(value: number, low: number, high: number, confidence: number, tolerance: number): FigureDifference {
  const verdict = low > tolerance ? 'worse' : high < -tolerance ? 'better' : 'same';
  return { value, low, high, confidence, significant: low > 0 || high < 0, tolerance, verdict };
}
