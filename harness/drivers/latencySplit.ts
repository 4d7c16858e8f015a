// The latency of a load's answers split by whether they overlapped one of seep's own checkpoints
// (the forced GC that stops the target, the reads that slow it): a soak reports its percentiles with
// and without them, so that what seep caused is told apart from what the target does (issue #24: a
// Flask app's p99 of 795 ms beside a 317 ms forced GC at each boundary). Kept in HDR histograms
// (hdr-histogram-js, what autocannon keeps its own in) in microseconds, for one load interval and for
// the whole measured phase: bounded memory however long the soak.
import { build, type Histogram } from 'hdr-histogram-js';
import type { LatencyFigures } from '../report/runReportSchema.ts';

export type { LatencyFigures };


export interface SplitFigures {
  all: LatencyFigures;
  /** the answers whose request overlapped none of seep's checkpoints */
  clean: LatencyFigures;
}

export interface LatencySplit {
  /** one answer: its latency (ms) and whether a checkpoint overlapped it */
  record(ms: number, disturbed: boolean): void;
  /** the figures since the last call (a load interval's), starting the next interval */
  interval(): SplitFigures;
  /** the figures since mark() (or since the start), every interval */
  total(): SplitFigures;
  /** the total starts again from here: the measured phase begins */
  mark(): void;
}

const histogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, autoResize: true });

function figures(h: Histogram): LatencyFigures {
  if (h.totalCount === 0) return { requests: 0, p50: null, p90: null, p99: null, max: null };
  const ms = (us: number) => Math.round(us) / 1000;
  return { requests: h.totalCount, p50: ms(h.getValueAtPercentile(50)), p90: ms(h.getValueAtPercentile(90)), p99: ms(h.getValueAtPercentile(99)), max: ms(h.maxValue) };
}

export function createLatencySplit(): LatencySplit {
  const interval = { all: histogram(), clean: histogram() };
  const total = { all: histogram(), clean: histogram() };
  return {
    record(ms, disturbed) {
      const us = Math.max(1, Math.round(ms * 1000));
      interval.all.recordValue(us);
      total.all.recordValue(us);
      if (disturbed) return;
      interval.clean.recordValue(us);
      total.clean.recordValue(us);
    },
    interval() {
      const out = { all: figures(interval.all), clean: figures(interval.clean) };
      interval.all.reset();
      interval.clean.reset();
      return out;
    },
    total: () => ({ all: figures(total.all), clean: figures(total.clean) }),
    mark() {
      total.all.reset();
      total.clean.reset();
    },
  };
}
