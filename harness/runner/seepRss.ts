// seep's own RSS, sampled while the target runs (judged against budget.seepRss: a harness that
// grows over a week of soak is a leak of its own).
import type { StreamEvent } from '../series/sampleStream.ts';

const SEEP_RSS_EVERY_MS = 5000;

export function watchSeepRss(emit: (e: StreamEvent) => void, now: () => number): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | null = null;
  const read = () => emit({ k: 'seep', t: now(), rss: process.memoryUsage.rss() });
  return {
    start() {
      read();
      timer = setInterval(read, SEEP_RSS_EVERY_MS);
      timer.unref();
    },
    stop: () => clearInterval(timer ?? undefined),
  };
}
