// Autocorrelation of ranks, the ingredient of the Hamed–Rao correction.

/** Average ranks (1-based), ties sharing the mean of their positions. */
export function averageRanks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let i = 0;
  while (i < order.length) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]![1]] = rank;
    i = j + 1;
  }
  return ranks;
}

/**
 * Sample autocorrelation at lags 1..maxLag (the biased estimator statsmodels' acf uses, which
 * pymannkendall's Hamed–Rao test feeds on). Returns null when the series is constant.
 */
export function autocorrelation(values: number[], maxLag: number): number[] | null {
  const n = values.length;
  const mean = values.reduce((s, v) => s + v, 0) / n;
  let c0 = 0;
  for (const v of values) c0 += (v - mean) ** 2;
  if (c0 === 0) return null;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let ck = 0;
    for (let t = 0; t + k < n; t++) ck += (values[t]! - mean) * (values[t + k]! - mean);
    out.push(ck / c0);
  }
  return out;
}
