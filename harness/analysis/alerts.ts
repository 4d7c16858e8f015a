// Warning and critical thresholds on the target's RSS during a soak. A crossing upwards raises an
// alert once; the level re-arms only after RSS falls 5% below it, so a series hovering at the
// line does not print a line per sample. By default at most MAX_PER_LEVEL of each are raised;
// the soak asks for every crossing (each goes to the sample stream and the report keeps the first
// and the latest, see alertEvents.ts) and caps only the lines it prints, so counts stay true.
import type { AlertLevel } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';

export interface Alert {
  t: number;
  level: 'warning' | 'critical';
  message: string;
}

export const MAX_PER_LEVEL = 50;
const REARM = 0.95;

export interface AlertWatch {
  observe(t: number, rss: number | null): Alert[];
}

export function createAlertWatch(alerts: AlertLevel[], maxPerLevel = MAX_PER_LEVEL): AlertWatch {
  const levels = alerts.map((a) => ({ level: a.level, limit: a.limit.value, armed: true, raised: 0 }));
  return {
    observe(t, rss) {
      const out: Alert[] = [];
      if (rss === null) return out;
      for (const l of levels) {
        if (l.armed && rss > l.limit) {
          l.armed = false;
          if (l.raised++ < maxPerLevel) {
            out.push({ t, level: l.level, message: `RSS ${formatBytes(rss)} crossed the ${l.level} threshold ${formatBytes(l.limit)}` });
          }
        } else if (!l.armed && rss < l.limit * REARM) {
          l.armed = true;
        }
      }
      return out;
    },
  };
}
