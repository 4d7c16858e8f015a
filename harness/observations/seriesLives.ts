// The lives of one scraped series: a process restarted within the range starts again from its
// fresh footprint, and judged as one series its sawtooth hides the leak (each life climbs, the
// whole rises little), as worker recycling hides one behind a flat tree total (processLives.ts).
// So each life is judged on its own. A restart is known exactly from the process's start time
// (process_start_time_seconds, container_start_time_seconds) where the query has one; else a
// memory series that drops back to where its life began is taken for a new life. Counts (fds)
// fall and rise with the work, so without a start time they are one life. Pure.
import type { PromPoint } from '../probes/prometheusApi.ts';

export interface SeriesLife {
  /** indices into the points, inclusive */
  from: number;
  to: number;
  /** how the life before it ended */
  startedBy: 'range' | 'start time' | 'drop';
}

export interface Gap {
  /** ms since the epoch: the last point before it and the first after */
  from: number;
  to: number;
}

/**
 * A drop counts as a restart when the value falls by at least this share of where it stood ...
 * (a leaking replica restarted at 45 MB falls to 22 MB; RSS noise of a running process is a few %)
 */
const RESTART_DROP = 0.1;
/** ... to within this share of what the life had gained over its first value (its fresh footprint) */
const BACK_TO_START = 0.25;

/** Where the process's start time changes: `starts` is its start time series, aligned by time. */
export function livesByStartTime(points: PromPoint[], starts: PromPoint[]): SeriesLife[] {
  const lives: SeriesLife[] = [];
  let j = 0;
  let current: number | null = null;
  let from = 0;
  let by: SeriesLife['startedBy'] = 'range';
  for (let i = 0; i < points.length; i++) {
    const t = points[i]!.t;
    while (j + 1 < starts.length && starts[j + 1]!.t <= t) j++;
    const start = starts[j] && starts[j]!.t <= t ? starts[j]!.v : null;
    if (start === null) continue;
    // a start time that moves by under a second is the same process (clients round it differently)
    if (current !== null && Math.abs(start - current) >= 1 && i > from) {
      lives.push({ from, to: i - 1, startedBy: by });
      from = i;
      by = 'start time';
    }
    current = start;
  }
  if (points.length > 0) lives.push({ from, to: points.length - 1, startedBy: by });
  return lives;
}

/** A memory series cut where it drops back to its life's start. */
export function livesByDrops(points: PromPoint[]): SeriesLife[] {
  const lives: SeriesLife[] = [];
  let from = 0;
  let by: SeriesLife['startedBy'] = 'range';
  let peak = points[0]?.v ?? 0;
  for (let i = 1; i < points.length; i++) {
    const start = points[from]!.v;
    const prev = points[i - 1]!.v;
    const v = points[i]!.v;
    const fell = prev - v >= RESTART_DROP * prev;
    const backToStart = v <= start + BACK_TO_START * Math.max(0, peak - start);
    if (fell && backToStart) {
      lives.push({ from, to: i - 1, startedBy: by });
      from = i;
      by = 'drop';
      peak = v;
      continue;
    }
    peak = Math.max(peak, v);
  }
  if (points.length > 0) lives.push({ from, to: points.length - 1, startedBy: by });
  return lives;
}

/** Stretches with no point for longer than `maxGapMs` (a target down, a scrape failing: Prometheus marks its series stale). */
export function gapsOf(points: PromPoint[], maxGapMs: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < points.length; i++) {
    if (points[i]!.t - points[i - 1]!.t > maxGapMs) gaps.push({ from: points[i - 1]!.t, to: points[i]!.t });
  }
  return gaps;
}
