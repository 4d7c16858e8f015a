// Which series of another query belongs to a judged one: its process start time (the same
// exporter: the same labels) or its limit (often another exporter: kube-state-metrics' limit for
// cAdvisor's working set, which agree on namespace, pod and container but not on job or instance).
// Pure.

/** Labels that say who scraped or exported a series, not which process it is. */
const SCRAPE_LABELS = new Set(['__name__', 'job', 'instance', 'endpoint', 'service', 'metrics_path', 'prometheus', 'prometheus_replica', 'resource', 'unit']);

/**
 * The candidate that agrees with `labels` on every label both carry (scrape labels aside) and on
 * the most of them, scrape labels included; null when none agrees or two tie. A single candidate
 * with no label in common (a limit written as a number, `vector(536870912)`) belongs to every series.
 */
export function matchingSeries<T extends { labels: Record<string, string> }>(labels: Record<string, string>, candidates: T[]): T | null {
  let best: T | null = null;
  let bestScore = -1;
  let tie = false;
  for (const c of candidates) {
    let score = 0;
    let conflict = false;
    for (const [k, v] of Object.entries(c.labels)) {
      if (k === '__name__' || !(k in labels)) continue;
      if (labels[k] === v) score++;
      else if (!SCRAPE_LABELS.has(k)) conflict = true;
    }
    if (conflict) continue;
    if (score > bestScore) {
      best = c;
      bestScore = score;
      tie = false;
    } else if (score === bestScore) tie = true;
  }
  if (tie) return null;
  if (bestScore === 0 && candidates.length > 1) return null;
  return best;
}
