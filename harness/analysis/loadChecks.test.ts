// A soak's load judged as a load tester judges it: transport errors apart from HTTP statuses,
// 2xx/3xx successes, 4xx and 5xx by class, and the rate achieved against the rate asked.
import { describe, expect, it } from 'vitest';
import { isSuccess, transportKind, type LoadInterval } from '../drivers/loadGenerator.ts';
import { createLoadTally, loadEvent } from '../observations/loadTally.ts';
import { loadChecks } from './loadChecks.ts';

const slice = (over: Partial<LoadInterval>): LoadInterval => ({
  t: 1000, ms: 1000, asked: 30, requests: 30, errors: 0, successes: 30,
  transport: { refused: 0, reset: 0, timeout: 0, other: 0 }, statuses: { '1xx': 0, '2xx': 30, '3xx': 0, '4xx': 0, '5xx': 0 },
  latencyP50: 5, latencyP99: 20, ...over,
});

function totals(slices: LoadInterval[]) {
  const tally = createLoadTally();
  for (const s of slices) tally.add(loadEvent(s));
  return tally.totals();
}

describe('load accounting', () => {
  it('tells transport errors by why, and counts 3xx as successes and 4xx apart, by default', () => {
    expect([{ code: 'ECONNREFUSED' }, { code: 'ECONNRESET' }, { code: 'EPIPE' }, new Error('request timed out'), { code: 'HPE_INVALID' }].map(transportKind))
      .toEqual(['refused', 'reset', 'reset', 'timeout', 'other']);
    expect([200, 204, 302, 304, 404, 500].map((s) => isSuccess(s, undefined))).toEqual([true, true, true, true, false, false]);
    expect([200, 302, 404].map((s) => isSuccess(s, ['2xx', 404]))).toEqual([true, false, true]);
  });

  it('passes a load answered in full, redirects and 404s included', () => {
    const t = totals(Array.from({ length: 10 }, () => slice({ statuses: { '1xx': 0, '2xx': 10, '3xx': 10, '4xx': 10, '5xx': 0 }, successes: 20, errors: 10 })));
    const checks = loadChecks(t);
    expect(checks.map((c) => [c.id, c.pass])).toEqual([['load.transportErrors', true], ['load.serverErrors', true], ['load.achievedRate', true]]);
    expect(checks[2]!.message).toBe('achieved 30.0 requests/s of the 30.0 asked (100.0%; at least 90%)');
  });

  it('fails a load that got 16 answers a second of the 30 asked, most connections reset', () => {
    const t = totals(Array.from({ length: 10 }, () => slice({ requests: 16, successes: 16, transport: { refused: 0, reset: 14, timeout: 1, other: 0 }, statuses: { '1xx': 0, '2xx': 16, '3xx': 0, '4xx': 0, '5xx': 0 } })));
    const [transport, server, rate] = loadChecks(t);
    expect(transport).toMatchObject({ pass: false, unit: 'share' });
    expect(transport!.message).toBe('150 requests of 310 got no answer (48.4%: refused 0, reset 140, timeout 10, other 0; at most 1%)');
    expect(server!.pass).toBe(true);
    expect(rate).toMatchObject({ pass: false, observed: 16, limitValue: 27 });
    expect(rate!.message).toBe('achieved 16.0 requests/s of the 30.0 asked (53.3%; at least 90%)');
  });

  it('says when the load\'s connections capped the rate (connections / mean latency under the rate asked), and how to tell the target from them', () => {
    // the recycling soak beside two CPU hogs: 4 connections at 40 a second, answers 120 ms apart on each
    const busy = totals(Array.from({ length: 10 }, () => slice({ ms: 2000, sentMs: 2000, asked: 40, requests: 66, successes: 66, connections: 4, waitedMs: 66 * 120 })));
    const rate = loadChecks(busy)[2]!;
    expect(rate).toMatchObject({ pass: false, observed: 33 });
    expect(rate.message).toBe("achieved 33.0 requests/s of the 40.0 asked (82.5%; at least 90%): the load's 4 connections capped it, each sending only once answered: at the latencies met (mean 120 ms; they waited on answers 99.0% of the time) they could send at most 33.3 requests/s, so this run cannot tell a target that cannot take 40.0 requests/s from a load with too few connections; give the load more connections (load.connections: at least 5 carry it at the mean latency): if the rate rises, the load was the limit; if the latency rises with them, the target is");
    // slice by slice: half the slices at 50 ms, half at 200 ms (a worker recycled): the mean, 125 ms, would carry 32 a second, the slices carry 30
    const uneven = totals(Array.from({ length: 10 }, (_, k) => (k % 2 === 0
      ? slice({ ms: 2000, sentMs: 2000, asked: 40, requests: 80, successes: 80, connections: 4, waitedMs: 80 * 50 })
      : slice({ ms: 2000, sentMs: 2000, asked: 40, requests: 40, successes: 40, connections: 4, waitedMs: 40 * 200 }))));
    expect(loadChecks(uneven)[2]!.message).toMatch(/^achieved 30\.0 requests\/s .*: the load's 4 connections capped it, .*\(mean 100 ms; they waited on answers 75\.0% of the time\) they could send at most 30\.0 requests\/s, /);
    // the same shortfall where the connections could carry the rate (answers 20 ms apart, lost to resets): the target's
    const reset = totals(Array.from({ length: 10 }, () => slice({ ms: 2000, sentMs: 2000, asked: 40, requests: 66, successes: 66, connections: 4, waitedMs: 66 * 20, transport: { refused: 0, reset: 14, timeout: 0, other: 0 } })));
    expect(loadChecks(reset)[2]!.message).toBe('achieved 33.0 requests/s of the 40.0 asked (82.5%; at least 90%)');
    // a rate achieved says nothing of the connections; a stream written before they were recorded neither
    expect(loadChecks(totals([slice({ connections: 1, waitedMs: 900 })]))[2]!.message).toBe('achieved 30.0 requests/s of the 30.0 asked (100.0%; at least 90%)');
    expect(loadChecks(totals([slice({ requests: 20, successes: 20 })]))[2]!.message).toBe('achieved 20.0 requests/s of the 30.0 asked (66.7%; at least 90%)');
  });

  it('fails on 5xx over 1% of the answers', () => {
    const [, server] = loadChecks(totals([slice({ statuses: { '1xx': 0, '2xx': 28, '3xx': 0, '4xx': 0, '5xx': 2 }, successes: 28, errors: 2 })]));
    expect(server).toMatchObject({ pass: false });
    expect(server!.message).toBe('2 5xx answers of 30 answers (6.7%; at most 1%)');
  });

  it('asks the rate only while autocannon ran, not while the generator started and stopped it', () => {
    // beside five CPU hogs: 80 answers in each 2 s autocannon ran at 40 a second, in slices of 2.2 s
    const t = totals(Array.from({ length: 10 }, () => slice({ ms: 2200, sentMs: 2000, asked: 40, requests: 80, successes: 80 })));
    expect(t).toMatchObject({ askedMs: 20_000, askedRate: 40, achievedRate: 40, ms: 22_000 });
    expect(loadChecks(t)[2]).toMatchObject({ pass: true, observed: 40 });
    // a stream written before: the slice's length is the time asked
    const old = createLoadTally();
    for (let n = 0; n < 10; n++) {
      const { g: _dropped, ...e } = loadEvent(slice({ ms: 2200, sentMs: 2000, asked: 40, requests: 80, successes: 80 }));
      old.add(e);
    }
    expect(old.totals()!.achievedRate).toBeCloseTo(80 / 2.2, 6);
  });

  it('fails the rate where the scenario asks for load and none fell in the measured phase, saying when each was', () => {
    const [transport, server, rate] = loadChecks(null, { measuredFromMs: 24_100, lastIntervalMs: 23_900 });
    expect([transport!.measured, server!.measured]).toEqual([false, false]);
    expect(rate).toMatchObject({ id: 'load.achievedRate', pass: false, observed: 0, atLeast: true });
    expect(rate!.message).toBe("achieved no load in the measured phase, though the scenario asks for load: the measured phase began at 24s, after the load's last interval ended at 24s (a warmup step that runs long holds the measured phase back)");
    expect(loadChecks(null, { measuredFromMs: 3000, lastIntervalMs: null })[2]!.message).toMatch(/no load interval ended in the whole run \(the measured phase began at 3s\)$/);
    // load measured: judged as always
    expect(loadChecks(totals([slice({})]), { measuredFromMs: 0, lastIntervalMs: 1000 })[2]).toMatchObject({ pass: true });
  });

  it('says not measured without load, and without an asked rate', () => {
    expect(loadChecks(null).map((c) => [c.id, c.measured, c.message])).toEqual([
      ['load.transportErrors', false, 'not measured: no load ran in the measured phase'],
      ['load.serverErrors', false, 'not measured: no load ran in the measured phase'],
      ['load.achievedRate', false, 'not measured: no load ran in the measured phase'],
    ]);
    const flatOut = loadChecks(totals([slice({ asked: null })]));
    expect(flatOut[2]).toMatchObject({ measured: false });
    expect(flatOut[0]!.pass).toBe(true);
  });
});
