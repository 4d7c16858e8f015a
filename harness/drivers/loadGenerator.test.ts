// Real load (autocannon) on a real server that stalls while a checkpoint is marked, as a target does
// during a forced GC: the answers the stall held back are told apart from the others. The same run
// also freezes the whole process once, as a busy machine does (a hiccup no checkpoint caused): the
// answers it slowed are the target's own latency and stay in the clear figures, so the slowest answer
// of a run need not be one the stall held. Every assertion is on the answers as the load generator
// recorded them (each request's span and whether it overlapped the stall) against the server's own
// clock, never on which single answer was the slowest. The stall and the freeze each come early in a
// slice of their own: autocannon drops the answers still in flight when a slice ends.
import { createServer, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { createPauseLog } from '../runner/pauseLog.ts';
// runLoad loads autocannon with its first slice: loaded here first, so the slices' seconds of load are not spent loading it on a busy machine
import 'autocannon';
import './latencySplit.ts';
import { runLoad, type LoadInterval } from './loadGenerator.ts';
import { createLoadTally, loadEvent } from '../observations/loadTally.ts';
import { loadChecks } from '../analysis/loadChecks.ts';

/** the stall lasts at least this long, and at least STALL_RATIO times the median answer before it */
const STALL_FLOOR_MS = 250;
const STALL_RATIO = 20;

interface Answer { start: number; end: number; disturbed: boolean }

const median = (xs: number[]): number => (xs.length === 0 ? 0 : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);
/** HDR histograms keep 3 significant digits */
const closeTo = (hdr: number, ms: number) => expect(Math.abs(hdr - ms)).toBeLessThanOrEqual(ms / 500 + 0.002);

describe('load split by seep\'s checkpoints', () => {
  it('keeps the answers a stall held back out of the clear percentiles', async () => {
    const pauses = createPauseLog();
    const answers: Answer[] = [];
    // what the load generator decided for each answer, as it asked the pause log
    const disturbed = (start: number, end: number) => {
      const d = pauses.overlaps(start, end);
      answers.push({ start, end, disturbed: d });
      return d;
    };
    const intervals: { i: LoadInterval; answers: Answer[] }[] = [];
    let slice = -1;
    let answered = 0; // in this slice
    let holding: { res: ServerResponse; at: number }[] | null = null;
    const stalls: { began: number; released: number; ended: number; ms: number; held: number[] }[] = [];
    const hiccups: { from: number; to: number }[] = [];
    let hiccupMs = 0;
    // in the second slice, once load flows, a checkpoint: the target answers nothing for the stall;
    // in the third, the whole process freezes for longer still, which no checkpoint explains
    const server = createServer((_req, res) => {
      if (holding) {
        holding.push({ res, at: performance.now() });
        return;
      }
      res.end('ok');
      if (slice !== intervals.length) {
        slice = intervals.length;
        answered = 0;
      }
      answered += 1;
      if (slice === 1 && answered === 10) {
        const ms = Math.max(STALL_FLOOR_MS, STALL_RATIO * median(answers.map((a) => a.end - a.start)));
        hiccupMs = 1.5 * ms;
        const began = performance.now();
        const pause = pauses.open(began);
        holding = [];
        setTimeout(() => {
          const held = holding!;
          holding = null;
          const released = performance.now();
          for (const h of held) h.res.end('ok');
          pause.close(performance.now());
          stalls.push({ began, released, ended: performance.now(), ms, held: held.map((h) => released - h.at) });
        }, ms);
      }
      if (slice === 2 && answered === 10) {
        const from = performance.now();
        while (performance.now() - from < hiccupMs) { /* the machine is busy */ }
        hiccups.push({ from, to: performance.now() });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const t0 = Date.now();
    // three slices, whatever the machine's pace: the load stops once the third has been told (a
    // budget of 6 s of wall time left a busy machine's third slice too short for its hiccup once),
    // bounded by 60 s; the rate ramps from 0 over the first 6 s as before
    const threeSlices = new AbortController();
    try {
      const load = runLoad({ requests: [{ path: '/' }], connections: 4, phases: [{ ms: 6000, rate: 100 }], totalMs: 60_000 }, {
        baseUrl: () => url, totalMs: 60_000, sliceMs: 2000, now: () => Date.now() - t0,
        onInterval: (i) => {
          intervals.push({ i, answers: [...answers] });
          if (intervals.length === 3) threeSlices.abort();
        },
        onError: (m) => { throw new Error(m); }, signal: threeSlices.signal,
        disturbed,
      });
      load.markMeasured();
      await load.done;
    } finally {
      server.close();
    }
    const told = JSON.stringify(intervals.map(({ i }) => ({ t: i.t, ms: i.ms, requests: i.requests })));
    expect(intervals, told).toHaveLength(3);
    expect(stalls, told).toHaveLength(1);
    expect(hiccups, told).toHaveLength(1);
    const stall = stalls[0]!;
    const hiccup = hiccups[0]!;
    expect(stall.held.length).toBeGreaterThan(0);
    // every interval carries its own clear figures
    expect(intervals.every(({ i }) => i.split !== undefined)).toBe(true);
    // the time autocannon ran, the rate's asked time, is within the slice, which also starts and stops it
    expect(intervals.every(({ i }) => i.sentMs! > 0 && i.sentMs! <= i.ms)).toBe(true);
    const last = intervals.at(-1)!;
    const total = last.i.split!.total;
    const seen = last.answers;
    const ms = (a: Answer) => a.end - a.start;

    // the answers the stall held back: each was in flight when the server let them go, each was
    // told disturbed, and each took at least as long as the server held it
    const heldBack = seen.filter((a) => a.start < stall.released && a.end > stall.released);
    expect(heldBack.length).toBeGreaterThanOrEqual(stall.held.length);
    expect(heldBack.filter((a) => !a.disturbed)).toEqual([]);
    expect(Math.max(...heldBack.map(ms))).toBeGreaterThanOrEqual(Math.max(...stall.held));
    // the answers wholly before or after the stall are clear, among them those the hiccup slowed
    const outside = seen.filter((a) => a.end < stall.began || a.start > stall.ended);
    expect(outside.filter((a) => a.disturbed)).toEqual([]);
    const frozen = seen.filter((a) => a.start < hiccup.from && a.end > hiccup.to);
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen.filter((a) => a.disturbed)).toEqual([]);

    // the figures are those answers: all of them, and the clear ones without what the stall held back
    const clean = seen.filter((a) => !a.disturbed);
    expect(total.all.requests).toBe(seen.length);
    expect(total.clean.requests).toBe(clean.length);
    expect(total.all.requests).toBeGreaterThan(200);
    expect(total.all.requests - total.clean.requests).toBeGreaterThanOrEqual(stall.held.length);
    closeTo(total.all.max!, Math.max(...seen.map(ms)));
    closeTo(total.clean.max!, Math.max(...clean.map(ms)));
    // the hiccup's answers stay in the clear figures: the target's own slowness is not hidden
    expect(total.clean.max!).toBeGreaterThanOrEqual(hiccup.to - hiccup.from);
    // and the stall held its answers back well beyond the run's usual latency (a ratio, one run)
    expect(Math.max(...heldBack.map(ms))).toBeGreaterThanOrEqual((STALL_RATIO / 4) * total.clean.p50!);
  });
});

/** 4 s of load at `rate` a second on 2 connections (a first phase ramps from 0: a blink of one), against a server answering with `answer` */
async function loadOn(answer: (res: ServerResponse) => void, rate: number, sliceMs: number): Promise<LoadInterval[]> {
  const server = createServer((_req, res) => answer(res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const intervals: LoadInterval[] = [];
  const t0 = Date.now();
  try {
    const load = runLoad({ requests: [{ path: '/' }], connections: 2, phases: [{ ms: 1, rate }, { ms: 4000, rate }], totalMs: 4000 }, {
      baseUrl: () => url, totalMs: 4000, sliceMs, now: () => Date.now() - t0,
      onInterval: (i) => intervals.push(i), onError: (m) => { throw new Error(m); }, signal: new AbortController().signal,
    });
    await load.done;
  } finally {
    server.close();
  }
  return intervals;
}

describe('what the load generator\'s connections can carry', () => {
  // A server that holds every answer 100 ms: 2 connections, each sending once answered, carry at most
  // 20 requests a second of the 40 asked, whatever the machine; a busy one only makes it fewer.
  it('records the connections and the time they waited on answers, and the check says they capped the rate', async () => {
    const HOLD_MS = 100;
    const intervals = await loadOn((res) => void setTimeout(() => res.end('ok'), HOLD_MS), 40, 2000);
    expect(intervals.length).toBeGreaterThan(0);
    for (const i of intervals) {
      expect(i.connections).toBe(2);
      expect(i.requests).toBeGreaterThan(0);
      // every answer waited at least what the server held it; two connections wait at most the time they ran
      expect(i.waitedMs!).toBeGreaterThanOrEqual((HOLD_MS - 1) * i.requests);
      expect(i.waitedMs!).toBeLessThanOrEqual(2 * i.sentMs! + 1);
    }
    const tally = createLoadTally();
    for (const i of intervals) tally.add(loadEvent(i));
    const rate = loadChecks(tally.totals())[2]!;
    expect(rate.pass, rate.message).toBe(false);
    expect(rate.message).toMatch(/the load's 2 connections capped it.* at the latencies met \(mean \d+ ms; .*\) they could send at most [\d.]+ requests\/s/);
    const needed = Number(/at least (\d+) carry it at the mean latency/.exec(rate.message)?.[1]);
    expect(needed, rate.message).toBeGreaterThanOrEqual(4);
  });
});

describe('the latency percentiles of a slice', () => {
  // One answer in 10 held 200 ms, the others at once, at 20 requests a second on 2 connections: the
  // slice's p50 is an answer sent at once, its p99 one held. Autocannon asked a rate otherwise records
  // an answer of L ms as L values (L down to 1), so the held answers are most of its histogram.
  it('are the answers as they took, each counted once', async () => {
    const HOLD_MS = 200;
    let n = 0;
    const intervals = await loadOn((res) => {
      if (++n % 10 === 0) setTimeout(() => res.end('held'), HOLD_MS);
      else res.end('ok');
    }, 20, 4000);
    const slices = intervals.filter((i) => i.requests >= 20);
    expect(slices.length, JSON.stringify(intervals)).toBeGreaterThan(0);
    for (const i of slices) {
      // a held answer is one in 10: the median is one answered at once (a busy machine may slow it, never to the hold)
      expect(i.latencyP50, JSON.stringify(i)).toBeLessThan(HOLD_MS / 4);
      expect(i.latencyP99, JSON.stringify(i)).toBeGreaterThanOrEqual(HOLD_MS - 1);
    }
  });
});
