// leak.types from the series read at every boundary: synthetic series, no processes. The real
// targets (a Python class kept per call, an LRU cache, a Node service) are in fixtures/e2e/typeGrowth.test.ts.
import { describe, expect, it } from 'vitest';
import type { Phase } from '../report/sampleSchema.ts';
import type { Suspect, TypeGrowthSeries } from '../report/runReportSchema.ts';
import { heapTypesCheck, isRuntimeSite, typeTrends } from './typeTrends.ts';

/** warmup 3 steps, then `measured` steps with a read after each, then `settle` reads */
function series(runtime: 'python' | 'node', byName: Record<string, (i: number) => number | null>, opts: { measured?: number; settle?: number; settleValue?: (name: string, last: number) => number } = {}): TypeGrowthSeries {
  const measured = opts.measured ?? 40;
  const settle = opts.settle ?? 2;
  const iteration: number[] = [3];
  const phase: Phase[] = ['warmup'];
  for (let k = 1; k <= measured; k++) {
    iteration.push(3 + k);
    phase.push('measured');
  }
  for (let k = 0; k < settle; k++) {
    iteration.push(3 + measured);
    phase.push('settle');
  }
  return {
    runtime, kind: runtime === 'python' ? 'type' : 'allocation-site', unit: runtime === 'python' ? 'objects' : 'B', iteration, phase, readMs: 1,
    series: Object.entries(byName).map(([name, f]) => {
      const values = phase.map((p, i) => (i === 0 ? 0 : p === 'measured' ? f(i) : null));
      const last = values[measured]!;
      for (let i = measured + 1; i < values.length; i++) values[i] = opts.settleValue ? opts.settleValue(name, last ?? 0) : last;
      return { name, values };
    }),
  };
}

const suspect = (name: string, perIteration: number, over: Partial<Suspect> = {}): Suspect => ({
  runtime: 'python', kind: 'type', name, countDelta: perIteration * 40, perIteration, bytesDelta: 0, where: [], ...over,
});

describe('typeTrends and leak.types over the boundary series', () => {
  it('passes a Node site that filled a bounded cache and then crept, fails one that grows throughout', () => {
    // an LRU of 15 entries of 150 KB filled by step 15, then its Map's own 2.3 KB a step, sampled (1 KiB jitter)
    const jitter = (i: number) => ((i * 7919) % 5) * 256;
    const g = series('node', {
      'load cache.mjs:8': (i) => Math.min(i, 15) * 150_000 + Math.max(0, i - 15) * 2300 + jitter(i),
      'track app.mjs:40 in Entry': (i) => i * 2300 + jitter(i),
    });
    const judged = typeTrends(g);
    expect(judged.find((t) => t.name === 'load cache.mjs:8')!.leaks).toBe(false);
    expect(judged.find((t) => t.name === 'track app.mjs:40 in Entry')!.leaks).toBe(true);
  });

  it("holds a site in Node's own code (via the target's line) to the heap's floor, the target's own sites to 64 B a step", () => {
    const g = series('node', { 'from via (anonymous) app.mjs:103 in handleRequest': (i) => i * 1400, '(anonymous) app.mjs:40 in Entry': (i) => i * 1400, 'repeat via (anonymous) app.mjs:9': (i) => i * 9000 });
    const leaks = Object.fromEntries(typeTrends(g).map((t) => [t.name, t.leaks]));
    expect(leaks).toEqual({ 'from via (anonymous) app.mjs:103 in handleRequest': false, '(anonymous) app.mjs:40 in Entry': true, 'repeat via (anonymous) app.mjs:9': true });
  });

  it('passes a Node site whose sampled bytes walk up and down (a cache that churns), fails one that only climbs', () => {
    // each step evicts one ~80 KB entry and adds one: the sampled bytes move ±9 KB at random, drifting up here
    const walk = [0];
    for (let i = 1; i <= 40; i++) walk.push(walk[i - 1]! + (i % 3 === 0 ? -6000 : 9000));
    const g = series('node', { 'cache app.mjs:109': (i) => walk[i] ?? 0, 'leak app.mjs:7': (i) => i * 9000 });
    const judged = typeTrends(g);
    expect(judged.find((t) => t.name === 'cache app.mjs:109')!.leaks).toBe(false);
    expect(judged.find((t) => t.name === 'leak app.mjs:7')!.leaks).toBe(true);
  });

  it('passes a Node site that climbed with few falls but gave back half of what it held (an LRU turning over), fails the same climb given back nothing', () => {
    // expressApp's LRU at its handler's line: a few samples, a climb of ~1 KiB steps that a random walk of so few made
    const climb = (i: number) => 1056 * Math.floor(i / 4);
    const lru = series('node', { '(anonymous) app.mjs:114 in handleRequest': climb });
    expect(typeTrends(lru)[0]!.leaks).toBe(true);
    const last = climb(40);
    lru.series[0]!.givenBack = last;
    expect(typeTrends(lru)[0]!.leaks).toBe(false);
    lru.series[0]!.givenBack = Math.round(last / 10);
    expect(typeTrends(lru)[0]!.leaks, 'a tenth given back: a leak beside a little state that came and went').toBe(true);
  });

  it('fails on a class kept once per step, naming it, its rate and who holds it', () => {
    const g = series('python', { 'sessions.Session': (i) => i, list: (i) => i, 'sessions.Other': () => 1 });
    const where = ['sessions.py:14  sessions._SESSIONS', 'list[3]', 'sessions.Session'];
    const c = heapTypesCheck([suspect('sessions.Session', 1, { where }), suspect('list', 1)], g)!;
    expect(c).toMatchObject({ id: 'leak.types', pass: false, observed: 1 });
    expect(c.message).toMatch(/^1 type grew through the measured phase and stayed after the settle: sessions\.Session \+1\.0\/step over 41 reads with no plateau, 40 kept after the settle \(held by sessions\.py:14 {2}sessions\._SESSIONS > list\[3\] > sessions\.Session\)(;|$)/);
    const t = c.typeTrends!.find((x) => x.name === 'sessions.Session')!;
    expect(t.leaks).toBe(true);
    expect(t.trend.slope).toBeCloseTo(1, 5);
    // builtin containers grow beside it: explained, never failing
    expect(c.typeTrends!.find((x) => x.name === 'list')!.leaks).toBe(false);
  });

  it('passes a cache that fills then evicts, overruling the three looks that saw it while it filled', () => {
    const g = series('python', { 'lru.Entry': (i) => Math.min(i, 12) });
    const c = heapTypesCheck([suspect('lru.Entry', 1)], g)!;
    expect(c.pass).toBe(true);
    expect(c.message).toBe('no type grew once per step without a plateau over 41 boundary reads, and nothing grew once per step and stayed after the settle; rose then plateaued: lru.Entry');
    expect(c.typeTrends![0]!.trend).toMatchObject({ verdict: 'bounded' });
    expect(c.typeTrends![0]!.trend.plateauAt).not.toBeNull();
  });

  it('passes what was freed in the settle, and what grew less than once per step', () => {
    expect(heapTypesCheck([], series('python', { 'a.Batch': (i) => i }, { settleValue: () => 0 }))!.pass).toBe(true);
    expect(heapTypesCheck([], series('python', { 'a.Slow': (i) => Math.floor(i / 4) }))!.pass).toBe(true);
    expect(heapTypesCheck([], series('python', { 'a.Batch': (i) => i }))!.pass).toBe(false);
  });

  it('says the series was not judged when there was no read after the settle', () => {
    const c = heapTypesCheck([], series('python', { 'a.Batch': (i) => i }, { settle: 0 }))!;
    expect(c.pass).toBe(true);
    expect(c.message).toMatch(/not judged for leaks: no read after the settle/);
  });

  it('Node: a site growing bytes every step fails, named with its constructor suspect; one late sample does not', () => {
    const site = '(anonymous) /srv/server.mjs:40 in RequestState';
    const g = series('node', { [site]: (i) => 3800 * i, 'onTick /srv/server.mjs:56': (i) => (i >= 30 ? 1056 : 0) });
    const where = ['(root)', 'Map', 'RequestState'];
    const c = heapTypesCheck([suspect('RequestState', 1, { runtime: 'node', kind: 'constructor', where })], g)!;
    expect(c).toMatchObject({ pass: false, observed: 1 });
    expect(c.message).toMatch(/1 allocation site grew .*in RequestState \+3\.8 KB\/step .*152\.0 KB kept after the settle \(held by \(root\) > Map > RequestState\)/);
    const late = typeTrends(g).find((t) => t.name.startsWith('onTick'))!;
    expect(late.leaks).toBe(false);
  });

  it('says so when too few reads were made to judge a trend (a short soak)', () => {
    const c = heapTypesCheck([], series('python', { 'a.Batch': (i) => i }, { measured: 5 }))!;
    expect(c.pass).toBe(true);
    expect(c.message).toMatch(/not judged for leaks: 6 reads, a trend needs 8/);
  });

  it('a name first read late is judged on the reads it has', () => {
    const g = series('python', { 'a.Job': (i) => (i < 5 ? null : i) });
    expect(typeTrends(g)[0]).toMatchObject({ leaks: true, afterSettle: 40 });
  });

  it('without a boundary series it is the three looks alone, and nothing without either', () => {
    expect(heapTypesCheck([suspect('a.Job', 1)], undefined)).toMatchObject({ pass: false, observed: 1 });
    expect(heapTypesCheck(undefined, undefined)).toBeNull();
  });
});

describe("a site in the runtime's own code, held to what the heap shows", () => {
  // 174 B a step, sampled a KiB at a time, as onconnection node:net moved over 151 reads of a clean server
  const wandering = (i: number) => 1024 * Math.floor((174 * i) / 1024);
  const g = () => series('node', { 'onconnection node:net': wandering, 'audit /srv/api/server.mjs:16': wandering }, { measured: 150 });

  it('lists it, not failed, while the heap shows no leak, whatever its slope; fails the same growth at a site of the target\'s own code', () => {
    // a heap that rose then plateaued, its slope after the plateau (270 B a step) under the heap check's floor
    const c = heapTypesCheck([], g(), { heap: { leaks: false, verdict: 'bounded', lowPerStep: 212 } })!;
    const runtime = c.typeTrends!.find((t) => t.name === 'onconnection node:net')!;
    expect(runtime).toMatchObject({ leaks: false });
    expect(runtime.notFailed).toBe("in the runtime's own code, and the heap after GC shows no leak (leak.heap: bounded)");
    expect(c.typeTrends!.find((t) => t.name.startsWith('audit'))!.leaks).toBe(true);
    expect(c.observed).toBe(1);
    expect(c.message).toMatch(/listed, not failed: onconnection node:net \+1\d\d B\/step \(in the runtime's own code, and the heap after GC shows no leak \(leak\.heap: bounded\)\)/);
  });

  it('lists it while the heap leaks, but surely by less', () => {
    const c = heapTypesCheck([], g(), { heap: { leaks: true, verdict: 'leak', lowPerStep: 12 } })!;
    expect(c.typeTrends!.find((t) => t.name === 'onconnection node:net')!.notFailed).toBe("in the runtime's own code, and the heap did not surely grow as much (at least 12 B per step, the low end of its interval)");
  });

  it('lists it when no heap was read', () => {
    const c = heapTypesCheck([], g(), { heap: null })!;
    expect(c.typeTrends!.find((t) => t.name === 'onconnection node:net')!.notFailed).toBe("in the runtime's own code, and the heap was not read");
  });

  it('fails it when the heap leaks, surely at least as much', () => {
    const c = heapTypesCheck([], g(), { heap: { leaks: true, verdict: 'leak', lowPerStep: 400 } })!;
    expect(c.typeTrends!.find((t) => t.name === 'onconnection node:net')!.leaks).toBe(true);
    // the same growth of the heap, judged no leak (a plateau): listed
    expect(heapTypesCheck([], g(), { heap: { leaks: false, verdict: 'bounded', lowPerStep: 400 } })!.typeTrends!.find((t) => t.name === 'onconnection node:net')!.leaks).toBe(false);
  });

  it('tells the runtime\'s sites from the target\'s by their location', () => {
    const node = { runtime: 'node' } as const;
    expect(['onconnection node:net', '(V8 API)', 'push', 'parserOnHeadersComplete node:_http_common'].map((n) => isRuntimeSite(node, n))).toEqual([true, true, true, true]);
    expect(['audit /srv/api/server.mjs:16', '(anonymous) /srv/api/server.mjs:40 in RequestState', 'set via (anonymous) /srv/api/s.mjs:3'].map((n) => isRuntimeSite(node, n))).toEqual([false, false, false]);
  });
});

describe('a soak: growth that slows down as a cache filling does', () => {
  it('lists a site whose second half grew much slower, and fails one growing steadily', () => {
    const filling = (i: number) => Math.round(60_000 * (1 - Math.exp(-i / 25)));
    const steady = (i: number) => 600 * i;
    const g = series('node', { 'render /srv/api/server.mjs:25': filling, 'keep /srv/api/server.mjs:30': steady }, { measured: 60 });
    const c = heapTypesCheck([], g, { soak: true, heap: { leaks: true, verdict: 'leak', lowPerStep: 2000 } })!;
    const render = c.typeTrends!.find((t) => t.name.startsWith('render'))!;
    expect(render.leaks).toBe(false);
    expect(render.notFailed).toMatch(/^it grows ever more slowly \(\d+(\.\d)? [KB]+\/step over the first half of the reads, \d+(\.\d)? [KB]+\/step over the second\): a cache filling as far as this soak can tell$/);
    expect(c.typeTrends!.find((t) => t.name.startsWith('keep'))!.leaks).toBe(true);
    // the same series in a counted run is judged on its trend alone
    expect(heapTypesCheck([], g, { heap: { leaks: true, verdict: 'leak', lowPerStep: 2000 } })!.typeTrends!.find((t) => t.name.startsWith('render'))!.notFailed).toBeUndefined();
  });

  it('judges a sampled Node site on its samples: too few to tell is listed, a steady one of many samples fails', () => {
    // 20 samples of 1.5 KB, one every other step, as even as a leak's: 10 in each half of the reads
    const sparse = (i: number) => 1500 * Math.floor(i / 2);
    const g = series('node', { 'render /srv/api/server.mjs:25': sparse, 'keep /srv/api/server.mjs:30': (i) => 600 * i }, { measured: 40 });
    g.series[0]!.sampleBytes = 1500;
    g.series[1]!.sampleBytes = 12; // 2,000 samples
    const ctx = { soak: true, heap: { leaks: true, verdict: 'leak', lowPerStep: 2000 } };
    const trends = heapTypesCheck([], g, ctx)!.typeTrends!;
    const render = trends.find((t) => t.name.startsWith('render'))!;
    expect(render.leaks).toBe(false);
    expect(render.notFailed).toBe('its 20 samples (10 over the first half of the reads, 10 over the second) are too few to tell a steady leak from a cache filling: a longer soak would tell');
    expect(trends.find((t) => t.name.startsWith('keep'))!.leaks).toBe(true);
    // its sampled bytes alone, as before sampleBytes was read: a steady rate fails
    delete g.series[0]!.sampleBytes;
    expect(heapTypesCheck([], g, ctx)!.typeTrends!.find((t) => t.name.startsWith('render'))!.leaks).toBe(true);
    // a counted run judges the trend alone
    g.series[0]!.sampleBytes = 1500;
    expect(heapTypesCheck([], g, { heap: ctx.heap })!.typeTrends!.find((t) => t.name.startsWith('render'))!.leaks).toBe(true);
  });
});
