// Collects a scenario's samples in bounded memory. Boundary samples are one per iteration and kept;
// timed samples are merged pairwise (keeping each metric's peak) whenever they reach the cap, so a
// long run holds at most `maxTimed` points however long it lasts, and no peak is lost.
import type { Metric, Sample, ScenarioSeries, SeriesColumns } from '../report/schema.ts';
import { METRICS } from '../report/schema.ts';
import { appendSample, emptyColumns } from './seriesColumns.ts';

export interface SeriesRecorder {
  boundary(s: Sample): void;
  timed(s: Sample): void;
  /** the latest sample of either kind */
  last(): Sample | null;
  build(): ScenarioSeries;
}

export function createSeriesRecorder(opts: { maxTimed?: number } = {}): SeriesRecorder {
  const maxTimed = Math.max(16, opts.maxTimed ?? 20_000);
  const boundaries = emptyColumns();
  let timed = emptyColumns();
  let timedCount = 0;
  let downsampled = false;
  let last: Sample | null = null;
  return {
    boundary(s) {
      appendSample(boundaries, s);
      last = s;
    },
    timed(s) {
      appendSample(timed, s);
      timedCount++;
      last = s;
      if (timed.t.length >= maxTimed) {
        timed = halvePeaks(timed);
        downsampled = true;
      }
    },
    last: () => last,
    build: () => ({ boundaries, timed, timedCount, downsampled }),
  };
}

function maxOrNull(a: number | null | undefined, b: number | null | undefined): number | null {
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return Math.max(a, b);
}

/** Merges neighbours pairwise: the later timestamp, and the larger value of every metric. */
export function halvePeaks(cols: SeriesColumns): SeriesColumns {
  const out = emptyColumns();
  const n = cols.t.length;
  for (let i = 0; i < n; i += 2) {
    const j = Math.min(i + 1, n - 1);
    out.t.push(cols.t[j]!);
    out.iteration.push(cols.iteration[j] ?? null);
    out.phase.push(cols.phase[j]!);
    for (const m of METRICS as readonly Metric[]) out.values[m].push(maxOrNull(cols.values[m][i], cols.values[m][j]));
  }
  for (const [state, col] of Object.entries(cols.tcp)) {
    const merged: number[] = [];
    for (let i = 0; i < n; i += 2) merged.push(Math.max(col[i]!, col[Math.min(i + 1, n - 1)]!));
    out.tcp[state as keyof typeof cols.tcp] = merged;
  }
  return out;
}
