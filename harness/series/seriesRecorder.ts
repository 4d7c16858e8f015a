// Collects a scenario's samples in bounded memory. Timed samples are merged pairwise (keeping each
// metric's peak) whenever they reach the cap, so a long run holds at most `maxTimed` points however
// long it lasts, and no peak is lost. Boundary samples are one per iteration; past `maxBoundaries`
// every other measured one is dropped (not merged: a boundary is a reading after GC, a max of two
// would be neither). Warmup and settle boundaries and the first and last measured one always stay,
// so the indices a runner holds (baseline, first measured, settle) keep pointing at the same reads.
import type { Metric, Phase, Sample } from '../report/sampleSchema.ts';
import type { ScenarioSeries, SeriesColumns } from '../report/runReportSchema.ts';
import { METRICS } from '../report/sampleSchema.ts';
import { appendSample, emptyColumns } from './seriesColumns.ts';
import { createTimedStore } from './timedStore.ts';

export interface SeriesRecorder {
  boundary(s: Sample): void;
  timed(s: Sample): void;
  /** the latest sample of either kind */
  last(): Sample | null;
  /** the boundary columns so far (no copy of the timed samples, unlike build) */
  boundaries(): SeriesColumns;
  build(): ScenarioSeries;
}

export function createSeriesRecorder(opts: { maxTimed?: number; maxBoundaries?: number } = {}): SeriesRecorder {
  const maxTimed = Math.max(16, opts.maxTimed ?? 20_000);
  const maxBoundaries = Math.max(16, opts.maxBoundaries ?? 50_000);
  let boundaries = emptyColumns();
  const timed = createTimedStore(maxTimed);
  let timedCount = 0;
  let downsampled = false;
  let last: Sample | null = null;
  return {
    boundary(s) {
      appendSample(boundaries, s);
      last = s;
      if (boundaries.t.length >= maxBoundaries) boundaries = thinMeasured(boundaries);
    },
    timed(s) {
      timed.push(s);
      timedCount++;
      last = s;
      downsampled ||= timedCount > timed.length();
    },
    last: () => last,
    boundaries: () => boundaries,
    build: () => ({ boundaries, timed: timed.columns(), timedCount, downsampled }),
  };
}

/** Drops every other measured boundary between the first and the last measured one. */
export function thinMeasured(cols: SeriesColumns): SeriesColumns {
  const measured: number[] = [];
  cols.phase.forEach((p, i) => p === 'measured' && measured.push(i));
  const drop = new Set<number>();
  for (let j = 1; j < measured.length - 1; j += 2) drop.add(measured[j]!);
  if (drop.size === 0) return cols;
  const keep = (_: unknown, i: number) => !drop.has(i);
  const out = emptyColumns();
  out.t = cols.t.filter(keep);
  out.iteration = cols.iteration.filter(keep);
  out.phase = cols.phase.filter(keep);
  for (const m of METRICS as readonly Metric[]) out.values[m] = cols.values[m].filter(keep);
  for (const [state, col] of Object.entries(cols.tcp)) out.tcp[state as keyof typeof cols.tcp] = col.filter(keep);
  return out;
}

/**
 * How rows kept per boundary read are thinned past their cap, as thinMeasured thins the boundaries:
 * every other measured read dropped, the last measured one and the warmup and settle reads kept.
 * Returns the filter to apply to each array aligned with `phase`.
 */
export function everyOtherMeasured(phase: readonly Phase[]): <T>(xs: T[]) => T[] {
  const lastMeasured = phase.lastIndexOf('measured');
  let m = 0;
  const keep = phase.map((p, i) => p !== 'measured' || i === lastMeasured || m++ % 2 === 0);
  return (xs) => xs.filter((_, i) => keep[i]);
}
