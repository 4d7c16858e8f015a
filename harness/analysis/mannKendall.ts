// Mann–Kendall trend test: S counts rising pairs minus falling pairs, so it cares about order
// only, not about how far a wild sample lies. Var(S) may be inflated by the Hamed–Rao factor.
import { kendallVarianceS } from './kendallVariance.ts';
import { normalUpperTail } from './normalDistribution.ts';

export interface MannKendallResult {
  s: number;
  /** Var(S) after the variance factor */
  varS: number;
  z: number;
  /** one-sided p-value for "increasing" */
  pIncrease: number;
  pTwoSided: number;
}

/** y in the order the samples were taken; only the order of x matters, so x is not needed. */
export function mannKendall(y: number[], varianceFactor = 1): MannKendallResult {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.sign(y[j]! - y[i]!);
  }
  const varS = kendallVarianceS(y) * Math.max(1, varianceFactor);
  // continuity correction of 1, as in Kendall (1975) and pymannkendall
  const z = varS > 0 ? (s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0) : 0;
  const pIncrease = normalUpperTail(z);
  return { s, varS, z, pIncrease, pTwoSided: Math.min(1, 2 * normalUpperTail(Math.abs(z))) };
}
