import { planBudgets } from '../scenario/runPlan.ts';
import type { Budgets } from '../scenario/types.ts';
import { describe, expect, it } from 'vitest';
import { METRICS, type Metric, type Phase, type Sample } from '../report/sampleSchema.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { buildChecks } from './buildChecks.ts';
import type { Observations } from '../observations/observations.ts';

// Synthetic observations of a persistent target: `warmup` boundaries, `measured` boundaries, one settle read.
function observe(opts: {
  measured?: number;
  rss?: (i: number) => number;
  heap?: ((i: number) => number) | null;
  committed?: ((i: number) => number) | null;
  /** what V8 commits for its young generation; none by default */
  young?: (i: number) => number;
  /** pymalloc's blocks (a Python target); none by default, as for Node */
  blocks?: (i: number) => number;
  counts?: Partial<Record<Metric, (i: number) => number>>;
  settle?: Partial<Record<Metric, number>>;
  kind?: Observations['targetKind'];
}): Observations {
  const warmup = 3;
  const measured = opts.measured ?? 50;
  const rec = createSeriesRecorder();
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 200_000;
  const sample = (i: number, phase: Phase, over: Partial<Record<Metric, number>> = {}): Sample => {
    const values = Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<Metric, number | null>;
    values.rss = (opts.rss ?? (() => 50e6))(i) + noise();
    values.heapUsed = opts.heap === null ? null : (opts.heap ?? (() => 5e6))(i);
    values.heapCommitted = opts.committed ? opts.committed(i) : null;
    values.heapYoung = opts.young ? opts.young(i) : null;
    values.heapBlocks = opts.blocks ? opts.blocks(i) : null;
    for (const [m, f] of Object.entries(opts.counts ?? {})) values[m as Metric] = f(i);
    Object.assign(values, over);
    return { t: i * 100, iteration: i, phase, values, tcp: {}, pids: [1] };
  };
  for (let i = 0; i < warmup + measured; i++) rec.boundary(sample(i, i < warmup ? 'warmup' : 'measured'));
  const last = warmup + measured - 1;
  rec.boundary({ ...sample(last, 'settle', opts.settle), iteration: null });
  return {
    targetKind: opts.kind ?? 'service',
    series: rec.build(),
    baselineIndex: warmup - 1,
    measured: { from: warmup, to: last },
    settle: { from: last + 1, to: last + 1 },
    measuredIterations: measured,
    orphans: [],
    newSinceBaseline: { processes: [], sockets: [{ kind: 'socket', id: '4242', detail: 'ESTABLISHED 127.0.0.1:1->127.0.0.1:2' }], fds: [] },
    fileSizes: {},
    output: { tail: [], totalLines: 0, forbidCounts: {}, forbidExamples: {} },
    measuredHours: 0.01,
  };
}

const failed = (obs: Observations, budgets: Budgets = {}) => buildChecks(obs, planBudgets(budgets)).filter((c) => !c.pass).map((c) => c.id);

describe('default checks', () => {
  it('pass a flat target and name every resource', () => {
    const checks = buildChecks(observe({}));
    expect(checks.map((c) => c.id)).toEqual(['leak.rss', 'leak.heap', 'leak.fds', 'leak.sockets', 'leak.threads', 'leak.children', 'leak.handles', 'leak.orphans']);
    expect(checks.every((c) => c.pass)).toBe(true);
  });

  it('fail RSS that grows 200 KB per iteration', () => {
    const checks = buildChecks(observe({ rss: (i) => 50e6 + 200_000 * i, heap: null }));
    const rss = checks.find((c) => c.id === 'leak.rss')!;
    expect(rss.pass).toBe(false);
    expect(rss.trend?.verdict).toBe('leak');
    expect(rss.message).toMatch(/^RSS grows (199\.\d|200\.\d) KB per iteration .*: leak$/);
  });

  it('take a small RSS creep with a flat runtime heap for allocator growth, but not a large one or a growing heap', () => {
    const creep = observe({ rss: (i) => 50e6 + 8_000 * i, heap: () => 5e6 });
    const quiet = observe({ rss: (i) => 50e6 + 8_000 * i, heap: null });
    const heapGrows = observe({ rss: (i) => 50e6 + 8_000 * i, heap: (i) => 5e6 + 8_000 * i });
    const big = observe({ rss: (i) => 50e6 + 128_000 * i, heap: () => 5e6 });
    const creepCheck = buildChecks(creep).find((c) => c.id === 'leak.rss')!;
    expect(creepCheck.pass).toBe(true);
    expect(creepCheck.trend?.verdict).toBe('inconclusive');
    expect(creepCheck.message).toMatch(/the runtime heap after GC (stays flat|grows|falls|changes)[^;]*, so RSS creep under 65\.5 KB per iteration is taken for allocator growth/);
    expect(creepCheck.trend!.moreIterationsNeeded, 'inconclusive says what would decide').toBeGreaterThan(0);
    expect(failed(quiet)).toEqual(['leak.rss']);
    expect(failed(heapGrows)).toEqual(['leak.rss', 'leak.heap']);
    expect(failed(big)).toEqual(['leak.rss']);
  });

  it('fail a runtime heap that grows 16 KiB per iteration while RSS plateaus, and pass one that creeps under 1 KiB', () => {
    const rssFlat = (i: number) => 50e6 + Math.min(i, 10) * 100_000;
    expect(failed(observe({ rss: rssFlat, heap: (i) => 5e6 + 16_384 * i }))).toEqual(['leak.heap']);
    const creep = buildChecks(observe({ rss: rssFlat, heap: (i) => 5e6 + 400 * i })).find((c) => c.id === 'leak.heap')!;
    expect(creep).toMatchObject({ pass: true, series: 'heapUsed' });
    // a heapGrowth budget replaces the default heap check
    expect(buildChecks(observe({ heap: (i) => 5e6 + 16_384 * i }), planBudgets({ heapGrowth: '10MB' })).map((c) => c.id)).not.toContain('leak.heap');
  });

  it('take RSS growth explained by the runtime holding freed heap for no leak, while its heap in use is flat', () => {
    const held = observe({ rss: (i) => 50e6 + 80_000 * i, heap: () => 5e6, committed: (i) => 20e6 + 75_000 * i });
    const check = buildChecks(held).find((c) => c.id === 'leak.rss')!;
    expect(check.pass).toBe(true);
    expect(check.message).toMatch(/keeps freed pages/);
    // the same RSS growth with the held heap flat is not explained away
    expect(failed(observe({ rss: (i) => 50e6 + 80_000 * i, heap: () => 5e6, committed: () => 20e6 }))).toEqual(['leak.rss']);
  });

  it("take RSS growth with a flat heap that fits in V8's young generation for no leak, and say how long a run would decide", () => {
    // 100 KB per iteration over 50 iterations: 5 MB, as a grown young generation's pages become resident
    const rss = (i: number) => 50e6 + 100_000 * i;
    const young = buildChecks(observe({ rss, heap: () => 5e6, young: (i) => (i < 20 ? 2e6 : 32e6) })).find((c) => c.id === 'leak.rss')!;
    expect(young.pass).toBe(true);
    expect(young.message).toMatch(/RSS grew 4\.\d MB, within the 32\.0 MB V8 commits for its young generation/);
    // about (32 - 4.9) MB / 100 KB more iterations before the growth would outgrow it
    expect(young.trend!.moreIterationsNeeded).toBeGreaterThan(250);
    expect(young.trend!.moreIterationsNeeded).toBeLessThan(300);
    // RSS alone cannot catch less than the young generation over the run: it says so
    expect(young.detectable!.slope).toBeGreaterThanOrEqual(32e6 / 50);
    // growth past the young generation, or a growing heap, is not explained by it
    expect(failed(observe({ rss, heap: () => 5e6, young: () => 2e6 }))).toEqual(['leak.rss']);
    expect(failed(observe({ rss, heap: (i) => 5e6 + 20_000 * i, young: () => 32e6 }))).toEqual(['leak.rss', 'leak.heap']);
  });

  it('fail a counted resource not back to baseline after settle, naming the leftovers', () => {
    const obs = observe({ counts: { sockets: (i) => 2 + i, fds: (i) => 10 + i }, settle: { sockets: 52, fds: 60 } });
    const sockets = buildChecks(obs).find((c) => c.id === 'leak.sockets')!;
    expect(sockets).toMatchObject({ pass: false, observed: 52, baselineValue: 4, limitValue: 4 });
    expect(sockets.leftovers?.[0]?.id).toBe('4242');
    // the check also says how the count moved: one more socket per iteration
    expect(sockets.trend).toMatchObject({ verdict: 'leak', slope: 1, per: 'iteration' });
    expect(sockets.message).toMatch(/not back to baseline: 52 after settle, baseline 4 \(48 left over\); sockets grows 1\.0 sockets per iteration .*: leak \(judged by its shape/);
    expect(sockets.rule).toBe('shape');
    expect(failed(obs)).toEqual(['leak.fds', 'leak.sockets']);
  });

  describe('counts of a service by their shape, of a function by back-to-baseline', () => {
    // a pool that opens a connection every third request until it holds 4, each connection two
    // sockets of the tree (both ends), then serves from them: 8 above the baseline for good
    const pool = (i: number) => 4 + 2 * Math.min(4, Math.floor(Math.max(0, i - 2) / 3));
    // the same code with no cap: a socket pair every third request, forever
    const noCap = (i: number) => 4 + 2 * Math.floor(Math.max(0, i - 2) / 3);

    it('pass a service whose pool filled lazily and stayed flat, saying the shape decided', () => {
      const obs = observe({ measured: 40, counts: { sockets: pool }, settle: { sockets: pool(42) } });
      const check = buildChecks(obs).find((c) => c.id === 'leak.sockets')!;
      expect(check).toMatchObject({ pass: true, rule: 'shape', observed: 12, baselineValue: 4 });
      expect(check.trend).toMatchObject({ verdict: 'bounded' });
      expect(check.trend!.plateauAt).not.toBeNull();
      expect(check.message).toMatch(/^sockets 8 above the baseline after the settle \(12, baseline 4\) and bounded: rose then stayed flat from sample \d+: a pool that filled/);
      expect(check.message).toMatch(/back to baseline would have failed it/);
      expect(check.leftovers).toBeUndefined();
    });

    it('fail a service that keeps one more socket every third request, by its shape', () => {
      const obs = observe({ measured: 40, counts: { sockets: noCap }, settle: { sockets: noCap(42) } });
      const check = buildChecks(obs).find((c) => c.id === 'leak.sockets')!;
      expect(check).toMatchObject({ pass: false, rule: 'shape' });
      expect(check.trend).toMatchObject({ verdict: 'leak' });
      expect(check.leftovers?.[0]?.id).toBe('4242');
    });

    it('keep back-to-baseline for a function target: its filled pool fails, and the check says which rule', () => {
      const obs = observe({ measured: 40, kind: 'module', counts: { sockets: pool }, settle: { sockets: pool(42) } });
      const check = buildChecks(obs).find((c) => c.id === 'leak.sockets')!;
      expect(check).toMatchObject({ pass: false, rule: 'baseline' });
      expect(check.message).toMatch(/\(back-to-baseline rule: a call must give back what it took\)$/);
    });

    it('judge a soak of a function target by shape too', () => {
      const obs = { ...observe({ measured: 40, kind: 'module', counts: { sockets: pool }, settle: { sockets: pool(42) } }), measure: 'time' as const };
      expect(buildChecks(obs).find((c) => c.id === 'leak.sockets')).toMatchObject({ pass: true, rule: 'shape' });
    });

    it('fall back to back-to-baseline when too few measured reads give the count a shape', () => {
      const obs = observe({ measured: 5, counts: { sockets: (i) => 4 + i }, settle: { sockets: 9 } });
      const check = buildChecks(obs).find((c) => c.id === 'leak.sockets')!;
      expect(check).toMatchObject({ pass: false, rule: 'baseline' });
      expect(check.message).toMatch(/too few measured reads, 6 of the 8 a shape needs: the back-to-baseline rule decided/);
    });

    it('keep a written baseline budget on back-to-baseline, whatever the target', () => {
      const obs = observe({ measured: 40, counts: { sockets: pool }, settle: { sockets: pool(42) } });
      expect(buildChecks(obs, planBudgets({ sockets: 'baseline' })).find((c) => c.id === 'budget.sockets')).toMatchObject({ pass: false, rule: 'baseline' });
    });
  });

  it('judge a Python heap in malloc bytes and pymalloc blocks: either growing fails leak.heap, drawn on the one that grew', () => {
    const rssFlat = (i: number) => 50e6 + Math.min(i, 10) * 100_000;
    // 16 KiB of small objects a call: ~100 blocks, and malloc's bytes flat
    const small = buildChecks(observe({ rss: rssFlat, heap: () => 3e6, blocks: (i) => 48_000 + 100 * i })).find((c) => c.id === 'leak.heap')!;
    expect(small).toMatchObject({ pass: false, series: 'heapBlocks', unit: 'blocks' });
    expect(small.message).toMatch(/^runtime heap (stays flat|grows|falls|changes) .*: bounded; allocated blocks grows 100 blocks per iteration .*: leak$/);
    // a large buffer a call: malloc's bytes grow, the blocks do not
    const large = buildChecks(observe({ rss: rssFlat, heap: (i) => 3e6 + 16_384 * i, blocks: () => 48_000 })).find((c) => c.id === 'leak.heap')!;
    expect(large).toMatchObject({ pass: false, series: 'heapUsed', unit: 'B' });
    // the interpreter's own creep (the fixed twins: 0.9 and 1.6 blocks per iteration) is no leak
    expect(failed(observe({ rss: rssFlat, heap: () => 3e6, blocks: (i) => 48_000 + 2 * i }))).toEqual([]);
  });

  it('take a Python RSS creep with flat malloc bytes and blocks for allocator growth, not when the blocks grow', () => {
    const creep = observe({ rss: (i) => 50e6 + 8_000 * i, heap: () => 3e6, blocks: () => 48_000 });
    const rss = buildChecks(creep).find((c) => c.id === 'leak.rss')!;
    expect(rss).toMatchObject({ pass: true, trend: { verdict: 'inconclusive' } });
    expect(rss.message).toMatch(/the runtime heap after GC (stays flat|grows|falls|changes)[^;]*, so RSS creep under/);
    expect(failed(observe({ rss: (i) => 50e6 + 8_000 * i, heap: () => 3e6, blocks: (i) => 48_000 + 100 * i }))).toEqual(['leak.rss', 'leak.heap']);
  });

  it('fail handles not back to baseline, naming the types that grew', () => {
    const obs = observe({ counts: { handles: (i) => 3 + i }, settle: { handles: 53 } });
    obs.newSinceBaseline.handles = [{ kind: 'handle', id: 'Timeout', detail: '+49' }, { kind: 'handle', id: 'TCPSocketWrap', detail: '+1' }];
    const handles = buildChecks(obs).find((c) => c.id === 'leak.handles')!;
    expect(handles).toMatchObject({ pass: false, observed: 53, baselineValue: 5, unit: 'handles', series: 'handles' });
    expect(handles.message).toMatch(/^handles not back to baseline: 53 after settle, baseline 5 \(48 left over: Timeout \+49, TCPSocketWrap \+1\); handles grows/);
    expect(failed(obs, { handles: 'baseline+50' })).toEqual([]);
    expect(failed(obs, { handles: 10 })).toEqual(['budget.handles']);
    // no agent, no handles read: no check, rather than a baseline of nothing
    const none = observe({});
    none.series.boundaries.values.handles.fill(null);
    expect(buildChecks(none).map((c) => c.id)).not.toContain('leak.handles');
  });

  it('pass a counted resource that grew during the run but came back after settle', () => {
    expect(failed(observe({ counts: { threads: (i) => 2 + i }, settle: { threads: 4 } }))).toEqual([]);
  });
});

describe('budgets', () => {
  it('replace the default check of their resource', () => {
    const obs = observe({ rss: (i) => 50e6 + 200_000 * i, heap: null });
    const checks = buildChecks(obs, planBudgets({ rssGrowth: '50MB' }));
    expect(checks.map((c) => c.id)).not.toContain('leak.rss');
    const growth = checks.find((c) => c.id === 'budget.rssGrowth')!;
    expect(growth.pass).toBe(true); // ~10 MB over 50 iterations
    expect(growth.observed).toBeGreaterThan(9e6);
    expect(growth.observed).toBeLessThan(11e6);
    expect(buildChecks(obs, planBudgets({ rssGrowth: '5MB' })).find((c) => c.id === 'budget.rssGrowth')?.pass).toBe(false);
  });

  it('judge rssPerIteration on the trend slope and peakRss on every sample', () => {
    const obs = observe({ rss: (i) => 50e6 + 200_000 * i, heap: null });
    expect(failed(obs, { rssPerIteration: '100KB' })).toEqual(['budget.rssPerIteration']);
    expect(failed(obs, { rssPerIteration: '300KB' })).toEqual([]);
    expect(failed(obs, { peakRss: '55MB' })).toEqual(['budget.peakRss']);
  });

  it('allow baseline+N and absolute counts', () => {
    const obs = observe({ counts: { sockets: (i) => 2 + Math.min(i, 4) }, settle: { sockets: 6 } });
    expect(failed(obs, { sockets: 'baseline' })).toEqual(['budget.sockets']);
    expect(failed(obs, { sockets: 'baseline+2' })).toEqual([]);
    expect(failed(obs, { sockets: 5 })).toEqual(['budget.sockets']);
    expect(failed(obs, { sockets: 6 })).toEqual([]);
  });

  it('count forbidden output lines, file sizes and orphans', () => {
    const obs = observe({ kind: 'cli' });
    obs.output.forbidCounts = { ResourceWarning: 3, '/Unclosed/i': 0 };
    obs.output.forbidExamples = { ResourceWarning: ['x.py:3: ResourceWarning: unclosed <socket>'] };
    obs.fileSizes = { 'h/.history': 2_500_000, 'h/missing': null };
    obs.orphans = [{ kind: 'process', id: '99', detail: 'python3 streamer.py (SIGTERM)' }];
    const checks = buildChecks(obs, planBudgets({ output: { forbid: ['ResourceWarning', /Unclosed/i] }, files: { 'h/.history': '2MB', 'h/missing': '1KB' }, orphans: 0 }));
    // a CLI has no persistent process: no memory or count checks
    expect(checks.map((c) => [c.id, c.pass])).toEqual([
      ['budget.orphans', false],
      ['budget.output.forbid:ResourceWarning', false],
      ['budget.output.forbid:/Unclosed/i', true],
      ['budget.files:h/.history', false],
      ['budget.files:h/missing', true],
    ]);
    expect(checks[0]!.message).toMatch(/1 process left alive after the command exited: 99 python3 streamer\.py/);
  });
});
