// The queries behind `--metric`: the series the common exporters give for what seep judges, so a
// user need not write PromQL. Every Prometheus client library exports the process collector's
// process_resident_memory_bytes, process_open_fds, process_max_fds and process_start_time_seconds
// (prom-client for Node, prometheus_client for Python, client_golang, the JVM's); cAdvisor (in the
// kubelet) exports each container's working set, which is what the kernel's OOM killer and
// Kubernetes' eviction weigh, and container_start_time_seconds. The start time tells a restart
// apart from memory given back; the limit gives time to limit.
import type { RemoteMetric } from '../report/runReportSchema.ts';

export const METRIC_PRESETS = {
  rss: { metric: 'rss', series: 'process_resident_memory_bytes', start: 'process_start_time_seconds' },
  // container="" is the pod's own cgroup and "POD" the pause container: neither is the app's
  'working-set': { metric: 'rss', series: 'container_memory_working_set_bytes', start: 'container_start_time_seconds', only: 'container!="",container!="POD"' },
  heap: { metric: 'heapUsed', series: 'nodejs_heap_size_used_bytes', start: 'process_start_time_seconds' },
  fds: { metric: 'fds', series: 'process_open_fds', start: 'process_start_time_seconds', limit: 'process_max_fds' },
} as const satisfies Record<string, { metric: RemoteMetric; series: string; start: string; only?: string; limit?: string }>;

export type MetricPreset = keyof typeof METRIC_PRESETS;

export function isMetricPreset(name: string): name is MetricPreset {
  return Object.hasOwn(METRIC_PRESETS, name);
}

export interface SeriesQueries {
  query: string;
  metric: RemoteMetric;
  /** the process's start time, for telling restarts apart */
  start?: string;
  /** the level time to limit is told against, per series */
  limit?: string;
}

/** `job="orders", namespace="staging"` or `{job="orders"}`: the matchers inside the braces. */
export function selectorMatchers(selector: string | undefined): string {
  const s = (selector ?? '').trim();
  return s.startsWith('{') && s.endsWith('}') ? s.slice(1, -1).trim() : s;
}

function withMatchers(series: string, ...matchers: (string | undefined)[]): string {
  const inside = matchers.filter((m): m is string => !!m && m.length > 0).join(',');
  return inside ? `${series}{${inside}}` : series;
}

/** A preset's queries over the series the selector picks. */
export function presetQueries(preset: MetricPreset, selector?: string): SeriesQueries {
  const p: { metric: RemoteMetric; series: string; start: string; only?: string; limit?: string } = METRIC_PRESETS[preset];
  const sel = selectorMatchers(selector);
  const out: SeriesQueries = { query: withMatchers(p.series, p.only, sel), metric: p.metric, start: withMatchers(p.start, p.only, sel) };
  if (p.limit) out.limit = withMatchers(p.limit, sel);
  return out;
}

/**
 * What a query the user wrote measures, from its metric names (Prometheus' naming puts the unit in
 * them): a heap, bytes of memory, else a count.
 */
export function metricOfQuery(query: string): RemoteMetric {
  if (/heap\w*_bytes/.test(query)) return 'heapUsed';
  return /_bytes\b/.test(query) ? 'rss' : 'fds';
}

/** Points per series by default: more than a chart shows; the judge reduces long series to block medians anyway. */
const DEFAULT_POINTS = 1000;
/** Prometheus' default scrape interval: a step under the scrape interval repeats each scrape's value. */
const MIN_DEFAULT_STEP_MS = 15_000;

/** The step when none is given: the range in about a thousand points, never under 15 s. */
export function defaultStepMs(rangeMs: number): number {
  return Math.max(MIN_DEFAULT_STEP_MS, Math.ceil(rangeMs / DEFAULT_POINTS / 1000) * 1000);
}
