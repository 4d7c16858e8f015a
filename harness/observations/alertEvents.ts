// The alert crossings a soak's report lists. A week of RSS flapping around a threshold can cross
// it thousands of times; the report keeps the first KEEP_ALERTS (when it started) and the latest
// KEEP_ALERTS (whether it still happens), and counts the ones in between. Fixed size: the latest
// live in a ring, so a long run allocates nothing per alert beyond the event itself.
import type { AlertEvent } from '../report/runReportSchema.ts';

export const KEEP_ALERTS = 20;

export interface AlertEvents {
  add(e: AlertEvent): void;
  /** the kept events in order: the first ones, then the latest ones */
  list(): AlertEvent[];
  /** every event added */
  total(): number;
  /** events added but not kept (between the first and the latest) */
  dropped(): number;
}

export function createAlertEvents(keep = KEEP_ALERTS): AlertEvents {
  if (!Number.isInteger(keep) || keep < 1) throw new RangeError(`alerts kept at each end must be a whole number of at least 1, got ${keep}`);
  const first: AlertEvent[] = [];
  const ring: AlertEvent[] = [];
  let next = 0; // where the ring writes next once it is full: also its oldest entry
  let total = 0;
  return {
    add(e) {
      total++;
      if (first.length < keep) first.push(e);
      else if (ring.length < keep) ring.push(e);
      else {
        ring[next] = e;
        next = (next + 1) % keep;
      }
    },
    list: () => [...first, ...ring.slice(next), ...ring.slice(0, next)],
    total: () => total,
    dropped: () => total - first.length - ring.length,
  };
}
