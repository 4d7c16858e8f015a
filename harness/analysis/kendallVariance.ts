// Variance of Kendall's S under "no trend", with the usual correction for tied values
// (Kendall 1975, eq. 4.3 without the mixed term, which vanishes when x has no ties).

/** Sizes of the groups of equal values (only groups of 2 or more). */
export function tieGroups(values: number[]): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const groups: number[] = [];
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) run++;
    else {
      if (run > 1) groups.push(run);
      run = 1;
    }
  }
  return groups;
}

export function kendallVarianceS(y: number[]): number {
  const n = y.length;
  let v = n * (n - 1) * (2 * n + 5);
  for (const t of tieGroups(y)) v -= t * (t - 1) * (2 * t + 5);
  return v / 18;
}
