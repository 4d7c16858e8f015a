// Fixed-size columns for values that arrive for as long as a run lasts (load intervals, seep's own
// RSS): when full, neighbours are merged pairwise, each column by its own rule (a peak stays a
// peak, a count stays a mean per interval), so a week of points fits in `max` and no spike is lost.
// Typed arrays, allocated once: nothing per point for the garbage collector (see timedStore.ts).

export type Merge = 'max' | 'mean';

export interface BoundedColumns<K extends string> {
  add(t: number, row: Record<K, number>): void;
  /** how many rows were added in all */
  count(): number;
  columns(): { t: number[] } & Record<K, number[]>;
}

/** the larger, where NaN stands for no value (a row without one merged with a row with one keeps it) */
const maxOf = (a: number, b: number): number => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));

export function createBoundedColumns<K extends string>(merges: Record<K, Merge>, max = 4096): BoundedColumns<K> {
  const keys = Object.keys(merges) as K[];
  const cap = Math.max(4, max);
  const t = new Float64Array(cap);
  const cols = keys.map(() => new Float64Array(cap));
  const rules = keys.map((k) => merges[k]);
  let n = 0;
  let added = 0;
  const halve = () => {
    let out = 0;
    for (let i = 0; i < n; i += 2, out++) {
      const j = Math.min(i + 1, n - 1);
      t[out] = t[j]!;
      cols.forEach((c, k) => (c[out] = rules[k] === 'max' ? maxOf(c[i]!, c[j]!) : (c[i]! + c[j]!) / 2));
    }
    n = out;
  };
  return {
    add(at, row) {
      t[n] = at;
      keys.forEach((k, j) => (cols[j]![n] = row[k]));
      n++;
      added++;
      if (n >= cap) halve();
    },
    count: () => added,
    columns: () => ({ t: Array.from(t.subarray(0, n)), ...Object.fromEntries(keys.map((k, j) => [k, Array.from(cols[j]!.subarray(0, n))])) }) as { t: number[] } & Record<K, number[]>,
  };
}
