// Samples stored column-wise (runReportSchema.ts SeriesColumns): what charts and analysis both read.
import { METRICS, type Metric, type Sample, type TcpState } from '../report/sampleSchema.ts';
import type { SeriesColumns } from '../report/runReportSchema.ts';

export function emptyColumns(): SeriesColumns {
  const values = Object.fromEntries(METRICS.map((m) => [m, []])) as unknown as Record<Metric, (number | null)[]>;
  return { t: [], iteration: [], phase: [], values, tcp: {} };
}

export function appendSample(cols: SeriesColumns, s: Sample): void {
  const n = cols.t.length;
  cols.t.push(s.t);
  cols.iteration.push(s.iteration);
  cols.phase.push(s.phase);
  for (const m of METRICS) cols.values[m].push(s.values[m]);
  // A TCP state seen for the first time gets zeros for the samples before it, so columns stay aligned.
  for (const [state, count] of Object.entries(s.tcp) as [TcpState, number][]) {
    (cols.tcp[state] ??= new Array<number>(n).fill(0)).push(count);
  }
  for (const col of Object.values(cols.tcp)) if (col.length === n) col.push(0);
}

/** Values of one metric as numbers, nulls dropped, with their indices. */
export function metricPoints(cols: SeriesColumns, metric: Metric, from = 0, to = cols.t.length - 1): { index: number[]; y: number[] } {
  const index: number[] = [];
  const y: number[] = [];
  for (let i = from; i <= to; i++) {
    const v = cols.values[metric][i];
    if (v !== null && v !== undefined) {
      index.push(i);
      y.push(v);
    }
  }
  return { index, y };
}
