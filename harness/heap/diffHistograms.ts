// What grew between two heap histograms, largest count growth first.
import type { HeapHistogram } from './snapshotHistogram.ts';

export interface HistogramDelta {
  key: string;
  type: string;
  name: string;
  countBefore: number;
  countAfter: number;
  countDelta: number;
  bytesDelta: number;
}

export function diffHistograms(before: HeapHistogram, after: HeapHistogram): HistogramDelta[] {
  const out: HistogramDelta[] = [];
  const keys = new Set([...before.entries.keys(), ...after.entries.keys()]);
  for (const key of keys) {
    const a = before.entries.get(key);
    const b = after.entries.get(key);
    const ref = (b ?? a)!;
    const countBefore = a?.count ?? 0;
    const countAfter = b?.count ?? 0;
    const bytesDelta = (b?.selfSize ?? 0) - (a?.selfSize ?? 0);
    if (countAfter === countBefore && bytesDelta === 0) continue;
    out.push({ key, type: ref.type, name: ref.name, countBefore, countAfter, countDelta: countAfter - countBefore, bytesDelta });
  }
  out.sort((x, y) => y.countDelta - x.countDelta || y.bytesDelta - x.bytesDelta || x.key.localeCompare(y.key));
  return out;
}
