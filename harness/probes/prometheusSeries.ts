// The series to judge, read from Prometheus over a range: the query's, each with its process's
// start time (to tell a restart apart) and its limit (for time to limit) from the queries that
// give them, matched by their labels. Used by `seep judge --prometheus` and by a scenario's
// `evidence.prometheus`. Throws PrometheusError with one line to print.
import { formatBytes } from '../scenario/units.ts';
import type { RemoteTarget } from '../report/runReportSchema.ts';
import { queryRange, type PromPoint, type PromSeries } from './prometheusApi.ts';
import type { SeriesQueries } from '../scenario/prometheusQueries.ts';
import { matchingSeries } from './seriesMatch.ts';

export interface ScrapedSeries {
  labels: Record<string, string>;
  points: PromPoint[];
  /** the process's start time over the range (process_start_time_seconds), where the query has one */
  starts?: PromPoint[];
  /** the level its time to limit is told against */
  limit?: RemoteTarget['limit'];
}

export interface SeriesRange {
  startMs: number;
  endMs: number;
  stepMs: number;
}

/** A limit for every series: a size or a count written on the command line or in a scenario. */
export interface FixedLimit {
  written: string;
  value: number;
  from: string;
}

export async function fetchSeries(
  base: string,
  queries: SeriesQueries,
  range: SeriesRange,
  opts: { limit?: FixedLimit; signal?: AbortSignal } = {},
): Promise<{ series: ScrapedSeries[]; warnings: string[]; notes: string[] }> {
  const ask = (query: string) => queryRange(base, { query, ...range }, { signal: opts.signal });
  const [main, starts, limits] = await Promise.all([
    ask(queries.query),
    queries.start ? ask(queries.start) : null,
    queries.limit && !opts.limit ? ask(queries.limit) : null,
  ]);
  const notes: string[] = [];
  const series = main.series.map((s): ScrapedSeries => {
    const out: ScrapedSeries = { labels: s.labels, points: s.points };
    const start = starts ? matchingSeries(s.labels, starts.series) : null;
    if (start) out.starts = start.points;
    if (opts.limit) out.limit = opts.limit;
    else if (limits) {
      const limit = limitOf(s, limits.series, queries.metric === 'fds' ? (v) => `${v} fds` : formatBytes, queries.limit!);
      if (limit) out.limit = limit;
      else notes.push(`no series of ${queries.limit} matches ${JSON.stringify(s.labels)}: no time to limit for it`);
    }
    return out;
  });
  const warnings = [...main.warnings, ...(starts?.warnings ?? []), ...(limits?.warnings ?? [])];
  return { series, warnings: [...new Set(warnings)], notes };
}

/** The limit series' last value (a limit raised mid-range holds from then on). */
function limitOf(s: PromSeries, limits: PromSeries[], format: (v: number) => string, query: string): RemoteTarget['limit'] | null {
  const m = matchingSeries(s.labels, limits);
  const last = m?.points.at(-1);
  if (!last) return null;
  return { written: format(last.v), value: last.v, from: query };
}
