// A Prometheus series named as PromQL writes it: `process_resident_memory_bytes{instance="10.0.0.7:8000", job="orders"}`,
// labels sorted. The name of a series' report, and how reporters say which series a row is.

export function seriesName(labels: Record<string, string>): string {
  const { __name__: name = '', ...rest } = labels;
  const pairs = Object.keys(rest).sort().map((k) => `${k}="${rest[k]}"`);
  return pairs.length === 0 ? name || '{}' : `${name}{${pairs.join(', ')}}`;
}

/** The series and the life of it a report judges: `{instance="10.0.0.7:8000"} life 2/2`, the sum as `sum`. */
export function remoteSeriesLabel(remote: { labels?: Record<string, string>; sum?: true; life?: { index: number; of: number } }, omit: Record<string, string> = {}): string {
  if (remote.sum) return 'sum';
  const all = remote.labels ?? {};
  const own = Object.fromEntries(Object.entries(all).filter(([k, v]) => omit[k] !== v));
  const labels = Object.keys(own).length > 0 ? own : all;
  const life = remote.life ? ` life ${remote.life.index}/${remote.life.of}` : '';
  // with the metric's name said once above the rows, a row is its own labels
  const text = '__name__' in labels ? seriesName(labels) : Object.keys(labels).sort().map((k) => `${k}="${labels[k]}"`).join(', ');
  return `${text || '{}'}${life}`;
}
