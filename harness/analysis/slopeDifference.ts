// Whether one run's slope is worse than another's, from each slope and its confidence interval.
//
// The rule (MOVER, the method of variance estimates recovery: Zou & Donner, "Construction of
// confidence limits about effect measures: a general approach", Stat Med 2008;27:1693; Newcombe
// 1998 for proportions): the interval of after − before takes each side from the sides of the two
// intervals that bound it, L = d − √((after − after.low)² + (before.high − before)²) and
// U = d + √((after.high − after)² + (before − before.low)²). For symmetric intervals this is
// Altman & Bland's difference ± z·√(SE₁² + SE₂²) (BMJ 2003;326:219); Theil–Sen's interval (Sen 1968)
// is not symmetric, and on RSS read in whole pages it is often lopsided (a clean run's slope of 16 KB
// a step with an interval of 0 to 23.8 KB): a mean half-width put the difference from an exact 0 at
// 4.5 to 28.3 KB, above the floor, though the run's own interval holds 0.
//
// Significant: the interval of the difference excludes 0. Worse: it lies wholly above the
// tolerance, so "after" is worse by more than the tolerance at that confidence; better: wholly
// below minus the tolerance; else the same. The tolerance is a share of the "before" slope with a
// floor in the unit (trend.ts's defaultFloor: 4 KiB per iteration, 1 MB per hour, 0.02 objects per
// iteration; BLOCK_CREEP for pymalloc blocks), so two slopes near zero never differ by noise alone.
import type { FigureDifference } from '../report/comparisonSchema.ts';

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

/**
 * Both intervals at `confidence`; the difference's interval is at the same level. `afterGrows`: the
 * after run's own trend test found a rise (its verdict 'leak'). Without it the difference is never
 * worse: a slope's interval is Theil–Sen's, which takes the points as independent, while the trend
 * test corrects for their autocorrelation (hamedRao.ts). A clean commit's RSS under load, +23.8 KB a
 * step [17.5, 30.8] and inconclusive by its own test, was called significantly worse than a flat
 * good run's 0 [0, 0], and `seep bisect` named it the first bad commit (fixtures/e2e/bisect.test.ts
 * in a fresh clone beside a CPU hog).
 */
export function slopeDifference(before: Estimate, after: Estimate, confidence: number, tolerance: number, afterGrows = true): FigureDifference {
  const below = (e: Estimate) => Math.max(0, e.value - e.low);
  const above = (e: Estimate) => Math.max(0, e.high - e.value);
  const value = after.value - before.value;
  const d = judged(value, value - Math.hypot(below(after), above(before)), value + Math.hypot(above(after), below(before)), confidence, tolerance);
  return d.verdict === 'worse' && !afterGrows ? { ...d, verdict: 'same' } : d;
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
