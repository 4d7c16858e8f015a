// Display downsampling for long series (a 7-day soak at 1 Hz is 600,000 points per column).
// Min/max buckets rather than LTTB: LTTB picks one "visually significant" point per bucket and can
// drop a one-sample spike, while a leak gate is read by its peaks against a budget line. Every
// bucket keeps each series' minimum and maximum, in time order, so no peak or trough is lost.
// Used only for what is drawn; analysis always works on the full columns.

export interface SeriesTable {
  x: number[];
  ys: (number | null)[][];
}

/**
 * Reduce to at most 2 * buckets rows. Rows of one bucket sit at the bucket's first and last x;
 * each series contributes its min and max there (ordered as they occurred), null where a bucket
 * has no value for that series.
 */
export function minMaxBuckets(x: readonly number[], ys: readonly (readonly (number | null)[])[], buckets: number): SeriesTable {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a whole number of at least 1, got ${buckets}`);
  for (const y of ys) {
    if (y.length !== x.length) throw new RangeError(`series length ${y.length} differs from x length ${x.length}`);
  }
  const n = x.length;
  if (n <= 2 * buckets) return { x: [...x], ys: ys.map((y) => [...y]) };

  const outX: number[] = [];
  const outYs: (number | null)[][] = ys.map(() => []);
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * n) / buckets);
    const end = Math.floor(((b + 1) * n) / buckets); // exclusive
    if (end <= start) continue;
    const single = end - start === 1;
    outX.push(x[start]!);
    if (!single) outX.push(x[end - 1]!);
    ys.forEach((y, s) => {
      let minI = -1;
      let maxI = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v === null || v === undefined || Number.isNaN(v)) continue;
        if (minI < 0 || v < y[minI]!) minI = i;
        if (maxI < 0 || v > y[maxI]!) maxI = i;
      }
      const out = outYs[s]!;
      if (single) {
        out.push(minI < 0 ? null : y[minI]!);
      } else if (minI < 0) {
        out.push(null, null);
      } else if (minI <= maxI) {
        out.push(y[minI]!, y[maxI]!);
      } else {
        out.push(y[maxI]!, y[minI]!);
      }
    });
  }
  return { x: outX, ys: outYs };
}
