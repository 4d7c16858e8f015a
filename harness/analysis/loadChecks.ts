// A soak's load judged as a load tester judges it, by default: transport errors (refused, reset,
// timed out) at most 1% of the requests, 5xx answers at most 1% of the answers, and the rate
// achieved at least 90% of the rate asked. A Django admin under gunicorn's sync workers, asked for
// 30 requests a second, answered 16, p50 490 ms, with about as many errors as requests, and the soak
// passed with one latency line; its redirects and 404s were counted among the errors. 2xx and 3xx
// are successes (the scenario's load.ok says otherwise), 4xx and 5xx are counted by class. Each
// check says `not measured` where no load ran, except where the scenario asks for load and none of
// it fell in the measured phase: the rate achieved there was 0, and load.achievedRate fails, saying
// when the phase began and the load ended. A gunicorn soak beside five CPU hogs passed with its load
// `not measured`: its measured phase began after the load had ended. Pure.
import type { Check, LoadTotals } from '../report/runReportSchema.ts';
import { notMeasured } from './memoryChecks.ts';
import { formatElapsed } from '../scenario/elapsed.ts';

export const MAX_TRANSPORT_ERRORS = 0.01;
export const MAX_SERVER_ERRORS = 0.01;
export const MIN_ACHIEVED_RATE = 0.9;

const pct = (x: number) => `${x < 0.001 && x > 0 ? (x * 100).toFixed(2) : (x * 100).toFixed(1)}%`;
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** "refused 0, reset 950, timeout 2, other 0" */
export function transportSplit(t: NonNullable<LoadTotals['transport']>): string {
  return `refused ${t.refused}, reset ${t.reset}, timeout ${t.timeout}, other ${t.other}`;
}

function achievedRate(l: LoadTotals): { asked: number; achieved: number } | null {
  return l.askedRate !== undefined && l.achievedRate !== undefined && l.askedRate > 0 ? { asked: l.askedRate, achieved: l.achievedRate } : null;
}

/**
 * A rate capped by the load's connections. Autocannon is closed-loop: a connection sends its next
 * request once the last is answered, so N connections at a mean latency of L carry at most N / L,
 * whatever the rate asked; counted slice by slice (the `carried` requests), a slice whose answers
 * slowed is not averaged away. Where that cap explains most of the shortfall, every connection was
 * busy, and the run cannot tell a target that cannot take the rate (its own queue is the latency:
 * gunicorn's sync workers) from a load with too few connections for the latency it met (the
 * recycling soak's 4 connections at 40 req/s beside CPU hogs got 82%). So the check says what capped
 * it and how to tell (more connections: the rate rises, or the latency rises with them), never that
 * the target could not keep up. It still fails: the soak sent less than it asks and measured memory
 * at that rate.
 */
function connectionsCap(l: LoadTotals, asked: number, achieved: number): string {
  const c = l.connections;
  if (!c || c.answers === 0 || c.askedMs <= 0 || c.waitedMs <= 0) return '';
  const carries = c.carried / (c.askedMs / 1000);
  // the cap explains at least half of the shortfall
  if (!(asked - carries >= 0.5 * (asked - achieved))) return '';
  const connections = c.connectionMs / c.askedMs;
  const latencyMs = c.waitedMs / c.answers;
  const busy = Math.min(1, c.waitedMs / c.connectionMs);
  const needed = Math.ceil((asked * latencyMs) / 1000);
  const n = Number.isInteger(connections) ? String(connections) : connections.toFixed(1);
  return `: the load's ${n} connections capped it, each sending only once answered: at the latencies met (mean ${latencyMs.toFixed(0)} ms; they waited on answers ${pct(busy)} of the time) they could send at most ${carries.toFixed(1)} requests/s, so this run cannot tell a target that cannot take ${asked.toFixed(1)} requests/s from a load with too few connections; give the load more connections (load.connections: at least ${needed} carry it at the mean latency): if the rate rises, the load was the limit; if the latency rises with them, the target is`;
}

/** A soak whose scenario asks for load: when its measured phase began, and when the load's last interval ended (ms since the start; null: none did). */
export interface AskedLoad {
  measuredFromMs: number;
  lastIntervalMs: number | null;
}

export function loadChecks(load: LoadTotals | null | undefined, asked: AskedLoad | null = null): Check[] {
  const none = load ? 'the load slices of this run were recorded before seep told their errors and statuses apart' : 'no load ran in the measured phase';
  const out: Check[] = [];
  const transport = load?.transport;
  if (load && transport) {
    const failed = transport.refused + transport.reset + transport.timeout + transport.other;
    const share = failed / Math.max(1, load.requests + failed);
    out.push({
      id: 'load.transportErrors', resource: 'load', kind: 'budget', limit: '1%', limitValue: MAX_TRANSPORT_ERRORS, observed: share, unit: 'share',
      pass: share <= MAX_TRANSPORT_ERRORS,
      message: `${plural(failed, 'request')} of ${(load.requests + failed).toLocaleString('en-US')} got no answer (${pct(share)}: ${transportSplit(transport)}; at most 1%)`,
    });
  } else out.push(notMeasured('load.transportErrors', 'load', { written: '1%', value: MAX_TRANSPORT_ERRORS }, 'share', none));
  const statuses = load?.statuses;
  if (load && statuses) {
    const share = statuses['5xx'] / Math.max(1, load.requests);
    out.push({
      id: 'load.serverErrors', resource: 'load', kind: 'budget', limit: '1%', limitValue: MAX_SERVER_ERRORS, observed: share, unit: 'share',
      pass: share <= MAX_SERVER_ERRORS,
      message: `${plural(statuses['5xx'], '5xx answer')} of ${plural(load.requests, 'answer')} (${pct(share)}; at most 1%)`,
    });
  } else out.push(notMeasured('load.serverErrors', 'load', { written: '1%', value: MAX_SERVER_ERRORS }, 'share', none));
  const rate = load ? achievedRate(load) : null;
  if (load && rate) {
    const share = rate.achieved / rate.asked;
    out.push({
      id: 'load.achievedRate', resource: 'load', kind: 'budget', limit: '90% of the asked rate', limitValue: MIN_ACHIEVED_RATE * rate.asked, observed: rate.achieved, unit: 'req/s', atLeast: true,
      pass: share >= MIN_ACHIEVED_RATE,
      message: `achieved ${rate.achieved.toFixed(1)} requests/s of the ${rate.asked.toFixed(1)} asked (${pct(share)}; at least 90%)${share < MIN_ACHIEVED_RATE ? connectionsCap(load, rate.asked, rate.achieved) : ''}`,
    });
  } else if (!load && asked) {
    out.push(missingLoad(asked));
  } else {
    out.push(notMeasured('load.achievedRate', 'load', { written: '90% of the asked rate' }, 'req/s', load ? 'the load asked no rate (as fast as its connections go), or its slices did not record it' : none));
  }
  return out;
}

/** load.achievedRate where the scenario asks for load and none ended in the measured phase: 0 achieved there. */
function missingLoad(asked: AskedLoad): Check {
  const began = formatElapsed(asked.measuredFromMs);
  const why = asked.lastIntervalMs === null
    ? `no load interval ended in the whole run (the measured phase began at ${began})`
    : `the measured phase began at ${began}, after the load's last interval ended at ${formatElapsed(asked.lastIntervalMs)} (a warmup step that runs long holds the measured phase back)`;
  return {
    id: 'load.achievedRate', resource: 'load', kind: 'budget', limit: '90% of the asked rate', observed: 0, unit: 'req/s', atLeast: true, pass: false,
    message: `achieved no load in the measured phase, though the scenario asks for load: ${why}`,
  };
}
