// Fixed-size columns for values that arrive for as long as a run lasts (load intervals, seep's own
// RSS): when full, neighbours are merged pairwise, each column by its own rule (a peak stays a
// peak, a count stays a mean per interval), so a week of points fits in `max` and no spike is lost.

export type Merge = 'max' | 'mean';

export interface BoundedColumns<K extends string> {
  add(t: number, row: Record<K, number>): void;
  /** how many rows were added in all */
  count(): number;
  columns(): { t: number[] } & Record<K, number[]>;
}

export function createBoundedColumns<K extends string>(merges: Record<K, Merge>, max = 4096): BoundedColumns<K> {
  const keys = Object.keys(merges) as K[];
  const cap = Math.max(4, max);
  let t: number[] = [];
  let cols = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  let added = 0;
  const halve = () => {
    const nt: number[] = [];
    const next = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
    for (let i = 0; i < t.length; i += 2) {
      const j = Math.min(i + 1, t.length - 1);
      nt.push(t[j]!);
      for (const k of keys) {
        const a = cols[k][i]!;
        const b = cols[k][j]!;
        next[k].push(merges[k] === 'max' ? Math.max(a, b) : (a + b) / 2);
      }
    }
    t = nt;
    cols = next;
  };
  return {
    add(at, row) {
      t.push(at);
      for (const k of keys) cols[k].push(row[k]);
      added++;
      if (t.length >= cap) halve();
    },
    count: () => added,
    columns: () => ({ t: t.slice(), ...Object.fromEntries(keys.map((k) => [k, cols[k].slice()])) }) as { t: number[] } & Record<K, number[]>,
  };
}
