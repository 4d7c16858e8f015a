// A soak's load accounted as a load tester does: answers by status class, successes, transport
// errors by why (refused, reset, timed out), and the rate asked against the rate achieved, over
// the measured phase, from the stream's load slices (drivers/loadGenerator.ts), in a fixed size
// whatever the soak's length. A stream written before these were recorded gives answers and
// failures only.
import type { LoadInterval, StatusClass } from '../drivers/loadGenerator.ts';
import type { LoadTotals } from '../report/runReportSchema.ts';
import type { StreamEvent } from '../series/sampleStream.ts';

type LoadEvent = Extract<StreamEvent, { k: 'load' }>;

const CLASSES: StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export function loadEvent(i: LoadInterval): LoadEvent {
  const e: LoadEvent = { k: 'load', t: i.t, n: i.requests, e: i.errors, p50: i.latencyP50, p99: i.latencyP99, d: i.ms, ok: i.successes };
  if (i.sentMs !== undefined) e.g = i.sentMs;
  if (i.asked !== null) e.a = i.asked;
  if (i.connections !== undefined && i.waitedMs !== undefined) {
    e.cn = i.connections;
    e.w = Math.round(i.waitedMs);
  }
  e.x = [i.transport.refused, i.transport.reset, i.transport.timeout, i.transport.other];
  e.s = CLASSES.map((c) => i.statuses[c]);
  // with its answers split by seep's checkpoints (runner/pauseLog.ts)
  if (i.split) {
    e.c = i.split.interval.clean;
    e.m = i.split.total;
  }
  return e;
}

export function createLoadTally(): { add(e: LoadEvent): void; totals(): LoadTotals | null } {
  let slices = 0;
  const t: LoadTotals = {
    slices: 0, ms: 0, requests: 0, failures: 0, successes: null,
    transport: null, statuses: null, askedRequests: 0, askedMs: 0, answeredWhileAsked: 0,
  };
  return {
    add(e) {
      slices++;
      t.requests += e.n;
      t.failures += e.e;
      if (e.d !== undefined) t.ms += e.d;
      if (e.ok !== undefined) t.successes = (t.successes ?? 0) + e.ok;
      if (e.x) {
        const x = (t.transport ??= { refused: 0, reset: 0, timeout: 0, other: 0 });
        x.refused += e.x[0] ?? 0;
        x.reset += e.x[1] ?? 0;
        x.timeout += e.x[2] ?? 0;
        x.other += e.x[3] ?? 0;
      }
      if (e.s) {
        const s = (t.statuses ??= { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 });
        CLASSES.forEach((c, i) => (s[c] += e.s![i] ?? 0));
      }
      // the rate was asked while autocannon ran (g), not while the generator started and stopped it
      // between slices. Counted as asked, that time is the generator's shortfall charged to the target:
      // beside five CPU hogs, gthread workers answered 60 in each 2 s autocannon ran at 30 requests/s,
      // in slices 2.2-2.8 s long, and were judged 91.9% of the rate; the recycling fixture's fixed twin 90.1%
      const askedMs = e.g ?? e.d;
      if (e.a !== undefined && askedMs !== undefined) {
        t.askedRequests += (e.a * askedMs) / 1000;
        t.askedMs += askedMs;
        t.answeredWhileAsked += e.n;
        // what its connections could carry: a stream written before they were recorded says nothing
        if (e.cn !== undefined && e.w !== undefined) {
          const c = (t.connections ??= { askedMs: 0, connectionMs: 0, waitedMs: 0, answers: 0, carried: 0 });
          c.askedMs += askedMs;
          c.connectionMs += e.cn * askedMs;
          c.waitedMs += e.w;
          c.answers += e.n;
          // slice by slice, so a slice whose answers slowed (a worker recycled) is not averaged away;
          // a slice with no answer timed says nothing of its connections: as if they carried the rate
          const carries = e.n > 0 && e.w > 0 ? (1000 * e.cn * e.n) / e.w : e.a;
          c.carried += (Math.min(e.a, carries) * askedMs) / 1000;
        }
      }
    },
    totals: () => {
      if (slices === 0) return null;
      const rates = t.askedMs > 0 ? { askedRate: t.askedRequests / (t.askedMs / 1000), achievedRate: t.answeredWhileAsked / (t.askedMs / 1000) } : {};
      return { ...t, slices, ...rates, ...(t.connections ? { connections: { ...t.connections } } : {}) };
    },
  };
}
