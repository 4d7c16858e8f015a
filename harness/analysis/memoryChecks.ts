// Memory: the default "does RSS grow without bound" judgement and the byte budgets.
import type { Metric } from '../report/sampleSchema.ts';
import type { Check, CheckId, Headlines, Resource, ScenarioSeries, TrendResult } from '../report/runReportSchema.ts';
import type { BudgetPlan, Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { metricPoints } from '../series/seriesColumns.ts';
import type { Observations } from '../observations/observations.ts';
import { detectableForTrend } from './detectableLeak.ts';
import { analyzeTrend, defaultAlpha, defaultFloor, describeTrend, moreSamplesToDecide } from './trend.ts';
import { heapSays } from './describeTrend.ts';

const HOUR_MS = 3_600_000;

type Points = { x: number[]; y: number[]; offset: number };

/** The points of a metric over boundaries `from`..`to` (the baseline and the measured ones), x the iteration. */
export function boundaryPoints(boundaries: ScenarioSeries['boundaries'], metric: Metric, from: number, to: number): Points | null {
  const pts = metricPoints(boundaries, metric, from, to);
  if (pts.y.length < 3) return null;
  return { x: pts.index.map((i) => boundaries.iteration[i] ?? i), y: pts.y, offset: pts.index[0] ?? 0 };
}

/** The points of a metric over the baseline and the measured boundaries, x the iteration. */
export function iterationPoints(obs: Observations, metric: Metric): Points | null {
  if (obs.baselineIndex < 0 || !obs.measured) return null;
  return boundaryPoints(obs.series.boundaries, metric, obs.baselineIndex, obs.measured.to);
}

/** The trend of a metric over the baseline and the measured boundaries, per iteration (bytes unless said). */
export function iterationTrend(obs: Observations, metric: Metric, unit = 'B', minSlope?: number): TrendResult | null {
  const p = iterationPoints(obs, metric);
  if (!p) return null;
  return analyzeTrend({ y: p.y, x: p.x, kind: 'memory', per: 'iteration', unit, series: 'boundaries', offset: p.offset }, minSlope === undefined ? {} : { minSlope });
}

/** The timed samples of a metric in the measured phase, x in hours. */
export function hourlyPoints(timed: ScenarioSeries['timed'], metric: Metric): Points | null {
  const x: number[] = [];
  const y: number[] = [];
  let first = -1;
  for (let i = 0; i < timed.t.length; i++) {
    const v = timed.values[metric]?.[i];
    if (timed.phase[i] !== 'measured' || v === null || v === undefined) continue;
    if (first < 0) first = i;
    x.push(timed.t[i]! / HOUR_MS);
    y.push(v);
  }
  return y.length < 3 ? null : { x, y, offset: first };
}

/** The trend of a metric (RSS unless said) per hour of wall time, over the timed samples of the measured phase. */
export function hourlyTrend(obs: Observations, metric: Metric, kind: 'memory' | 'count' = 'memory', unit = 'B'): TrendResult | null {
  const p = hourlyPoints(obs.series.timed, metric);
  if (!p) return null;
  return analyzeTrend({ y: p.y, x: p.x, kind, per: 'hour', unit, series: 'timed', offset: p.offset });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Growth from the baseline to the end of the measured phase (median of the last three boundaries). */
export function growth(obs: Observations, metric: Metric): { growth: number; baseline: number } | null {
  if (obs.baselineIndex < 0 || !obs.measured) return null;
  const base = obs.series.boundaries.values[metric][obs.baselineIndex];
  const tail = metricPoints(obs.series.boundaries, metric, Math.max(obs.measured.from, obs.measured.to - 2), obs.measured.to).y;
  if (base === null || base === undefined || tail.length === 0) return null;
  return { growth: median(tail) - base, baseline: base };
}

/** The figures a summary leads with: the same growth budget.rssGrowth compares, whether or not it is set. */
export function headlines(obs: Observations): Headlines {
  return { rssGrowth: growth(obs, 'rss') };
}

function check(c: Omit<Check, 'unit'> & { unit?: string }): Check {
  return { unit: 'B', ...c };
}

// Below this RSS slope, RSS growth with a flat runtime heap after a forced GC (for Node: V8's heap
// and external Buffers, so JS objects and Buffers are both ruled out) is taken for the allocator and
// the JIT settling, not a leak: node-service's fixed twin crept 2-14 KB per request with its heap flat,
// and the corpus's Node 16 MB sawtooth trap steps up 0.7 MB once in 50 iterations (20 KB/it). A
// native leak below this needs an rssPerIteration budget to gate on.
export const RSS_CREEP_WITH_FLAT_HEAP = 64 * 1024;

/** What V8's young generation could still make resident: the most it committed, and RSS's growth beside it. */
interface YoungRoom { committed: number; rssGrowth: number }

function youngRoom(obs: Observations): YoungRoom | null {
  const young = iterationPoints(obs, 'heapYoung');
  const rssGrowth = growth(obs, 'rss');
  return young && rssGrowth ? { committed: Math.max(...young.y), rssGrowth: rssGrowth.growth } : null;
}

/** A leak verdict on RSS, softened when the runtime heap says the growth is not retained objects. */
function weighAgainstHeap(rss: TrendResult, heap: TrendResult | null, committed: TrendResult | null, young: YoungRoom | null): TrendResult {
  if (rss.verdict !== 'leak' || !heap || heap.verdict === 'leak') return rss;
  // V8 commits its young generation whole when it grows it (to 2 x 16 MB on Node 20), and its pages
  // become resident only as allocation first reaches them, over hundreds of requests: the clean
  // Express audit app (fixtures/corpus/servers/expressApp.mjs, ~40 KB allocated a request) grew RSS
  // 11 MB over its first 200 measured requests with its heap flat, then plateaued; with
  // --max-semi-space-size=1, 0.8 MB. RSS growth that fits in it is not told from a leak by RSS.
  if (young && young.rssGrowth <= young.committed) {
    return {
      ...rss,
      verdict: 'inconclusive',
      reason: `${heapSays(heap)}, and RSS grew ${formatBytes(young.rssGrowth)}, within the ${formatBytes(young.committed)} V8 commits for its young generation, whose pages become resident only as allocation first reaches them (the RSS trend alone says ${rss.reason.replaceAll(':', ' -')}); rssPerIteration gates on it`,
      moreIterationsNeeded: Math.ceil((young.committed - young.rssGrowth) / Math.max(rss.slope, 1)) + 1,
    };
  }
  // V8 keeping pages it freed: its committed heap grows as RSS does while the used heap stays flat
  if (committed && committed.slope >= rss.slope / 2) {
    return {
      ...rss,
      verdict: 'inconclusive',
      reason: `the runtime keeps freed pages, the heap it holds grows ${formatBytes(committed.slope)} per ${rss.per} while the heap in use after GC is flat (the RSS trend alone says ${rss.reason.replaceAll(':', ' -')})`,
    };
  }
  // clearly above the allocator's creep, the low end of its interval included: else the heap acquits it
  if (rss.slope >= RSS_CREEP_WITH_FLAT_HEAP && rss.low >= RSS_CREEP_WITH_FLAT_HEAP) return rss;
  // what would decide: enough iterations for the interval to clear the creep floor; below it already,
  // as many again, to see whether the creep flattens as an allocator's does
  const n = rss.samplesUsed.count;
  const more = rss.high < RSS_CREEP_WITH_FLAT_HEAP ? n : moreSamplesToDecide(n, rss, RSS_CREEP_WITH_FLAT_HEAP, defaultAlpha('memory'));
  return {
    ...rss,
    verdict: 'inconclusive',
    reason: `${heapSays(heap)}, so RSS creep ${rss.slope < RSS_CREEP_WITH_FLAT_HEAP ? 'under' : `not clearly above (its interval reaches down to ${formatBytes(rss.low)})`} ${formatBytes(RSS_CREEP_WITH_FLAT_HEAP)} per iteration is taken for allocator growth (the RSS trend alone says ${rss.reason.replaceAll(':', ' -')}); rssPerIteration gates on it`,
    moreIterationsNeeded: more,
  };
}


export function rssLeakCheck(obs: Observations): Check | null {
  const pts = iterationPoints(obs, 'rss');
  const rss = iterationTrend(obs, 'rss');
  if (!rss || !pts) return null;
  const heap = runtimeHeap(obs)?.trend ?? null;
  const young = heap ? youngRoom(obs) : null;
  const trend = weighAgainstHeap(rss, heap, iterationTrend(obs, 'heapCommitted'), young);
  // with a heap read, RSS growth under the creep floor is taken for the allocator, whatever the noise,
  // and with a young generation, growth that fits in it
  const youngFloor = young && obs.measuredIterations > 0 ? young.committed / obs.measuredIterations : 0;
  const floor = heap ? Math.max(RSS_CREEP_WITH_FLAT_HEAP, youngFloor) : defaultFloor('memory', 'iteration');
  const detectable = detectableForTrend(pts.x, pts.y, rss, floor);
  return check({
    ...(detectable ? { detectable } : {}),
    id: 'leak.rss',
    resource: 'rss',
    kind: 'leak',
    series: 'rss',
    observed: trend.slope,
    pass: trend.verdict !== 'leak',
    message: describeTrend('RSS', trend),
    trend,
  });
}

// Below this slope, growth of the runtime heap after a forced GC is V8's own bookkeeping (feedback
// vectors and code for paths taken late), not retained objects: the smallest leak the issue sets out
// to catch is 16 KiB per iteration. Python's malloc bytes in use on the fixed twins crept 0 B
// (fixtures/crew) and 1 B (fixtures/export-service) per iteration: the same floor serves.
export const HEAP_CREEP = 1024;

// Below this slope, growth of pymalloc's allocated blocks after a forced GC is the interpreter's own
// (interned names, type and code caches), not retained objects: the fixed twins crept 0.9 blocks per
// iteration (fixtures/crew, a function worker) and 1.6 (fixtures/export-service, an http.server),
// steadily enough for the trend test to call it a leak. A leak of 16 KiB of small objects is 50-500
// blocks per iteration (pymalloc blocks are 16-512 bytes).
export const BLOCK_CREEP = 16;

/**
 * The runtime heap's judgement: one trend in bytes, and for Python without tracemalloc a second in
 * pymalloc blocks, since malloc's bytes in use miss the small objects pymalloc keeps in arenas it
 * mmaps itself (and the blocks miss large buffers). The heap leaks when either does; `trend` is the
 * one that says so, else the bytes (the blocks where no bytes were read).
 */
export function runtimeHeap(obs: Observations): { trend: TrendResult; series: Metric; message: string } | null {
  const raw = iterationTrend(obs, 'heapUsed');
  const bytes = raw && raw.verdict === 'leak' && raw.slope < HEAP_CREEP
    ? {
      ...raw, verdict: 'inconclusive' as const,
      reason: `under ${formatBytes(HEAP_CREEP)} per ${raw.per}, taken for the runtime's own bookkeeping (the trend alone says ${raw.reason.replaceAll(':', ' -')}); heapGrowth gates on it`,
      moreIterationsNeeded: moreSamplesToDecide(raw.samplesUsed.count, raw, HEAP_CREEP, defaultAlpha('memory')),
    }
    : raw;
  const blocks = iterationTrend(obs, 'heapBlocks', 'blocks', BLOCK_CREEP);
  const parts = [bytes && describeTrend('runtime heap', bytes), blocks && describeTrend('allocated blocks', blocks)].filter((m): m is string => m !== null);
  const message = parts.join('; ');
  if (blocks && blocks.verdict === 'leak' && bytes?.verdict !== 'leak') return { trend: blocks, series: 'heapBlocks', message };
  if (bytes) return { trend: bytes, series: 'heapUsed', message };
  return blocks ? { trend: blocks, series: 'heapBlocks', message } : null;
}

/**
 * The runtime heap after a forced GC (V8's used heap plus external Buffers; Python's tracemalloc
 * total where it traces, else malloc's bytes in use and pymalloc's blocks) judged like RSS, by trend
 * and plateau: objects retained per step grow it however the allocator and the OS keep RSS, and a
 * cache that fills and evicts plateaus.
 */
export function heapLeakCheck(obs: Observations): Check | null {
  const heap = runtimeHeap(obs);
  if (!heap) return null;
  const { trend } = heap;
  const pts = iterationPoints(obs, heap.series);
  const floor = heap.series === 'heapBlocks' ? BLOCK_CREEP : Math.max(HEAP_CREEP, defaultFloor('memory', 'iteration'));
  const detectable = pts ? detectableForTrend(pts.x, pts.y, trend, floor) : null;
  return check({
    ...(detectable ? { detectable } : {}),
    id: 'leak.heap', resource: 'heap', kind: 'leak', series: heap.series, observed: trend.slope, unit: trend.unit,
    pass: trend.verdict !== 'leak', message: heap.message, trend,
  });
}

/** A budget the run gave no data to judge: it says so, rather than vanish from the report. */
export function notMeasured(id: CheckId, resource: Resource, limit: { written: string; value?: number }, unit: string, why: string): Check {
  const c: Check = { id, resource, kind: 'budget', limit: limit.written, observed: 0, unit, pass: true, measured: false, message: `not measured: ${why}` };
  if (limit.value !== undefined) c.limitValue = limit.value;
  return c;
}

const NO_HEAP = 'no runtime heap was read (the target has no agent: a CLI scenario, or a runtime other than Node or Python)';
const NO_MEASURED = 'too few measured iterations to judge';

export function memoryBudgetChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  const out: Check[] = [];
  const n = obs.measuredIterations;
  const sizeBudget = (id: CheckId, resource: Resource, metric: Metric, limit: Limit<'B'>, label: string, missing: string) => {
    const measured = growth(obs, metric);
    if (measured === null) {
      out.push(notMeasured(id, resource, limit, 'B', missing));
      return;
    }
    const g = measured.growth;
    const max = limit.value;
    out.push(check({
      id, resource, kind: 'budget', limit: limit.written, limitValue: max, baselineValue: measured.baseline, observed: g, pass: g <= max,
      series: metric, limitLine: measured.baseline + max,
      message: `${label} grew ${formatBytes(g)} over ${n} iterations (budget ${formatBytes(max)})`,
    }));
  };
  if (budgets.rssGrowth) sizeBudget('budget.rssGrowth', 'rss', 'rss', budgets.rssGrowth, 'RSS', NO_MEASURED);
  if (budgets.heapGrowth) sizeBudget('budget.heapGrowth', 'heap', 'heapUsed', budgets.heapGrowth, 'heap', obs.measured ? NO_HEAP : NO_MEASURED);
  if (budgets.rssPerIteration) {
    const trend = iterationTrend(obs, 'rss');
    const max = budgets.rssPerIteration.value;
    if (trend) {
      out.push(check({
        id: 'budget.rssPerIteration', resource: 'rss', kind: 'budget', limit: budgets.rssPerIteration.written, limitValue: max,
        observed: trend.slope, pass: trend.slope <= max, trend, series: 'rss',
        message: `${describeTrend('RSS', trend)}; budget ${formatBytes(max)} per iteration`,
      }));
    } else {
      out.push(notMeasured('budget.rssPerIteration', 'rss', budgets.rssPerIteration, 'B', 'fewer than 3 measured boundaries with RSS'));
    }
  }
  if (budgets.rssSlope) {
    const trend = hourlyTrend(obs, 'rss');
    const max = budgets.rssSlope.value;
    if (trend) {
      out.push(check({
        id: 'budget.rssSlope', resource: 'rss', kind: 'budget', limit: budgets.rssSlope.written, limitValue: max,
        observed: trend.slope, unit: 'B/h', pass: trend.slope <= max, trend, series: 'rss',
        message: `${describeTrend('RSS', trend)}; budget ${formatBytes(max)} per hour`,
      }));
    } else {
      out.push(notMeasured('budget.rssSlope', 'rss', budgets.rssSlope, 'B/h', 'fewer than 3 timed RSS samples in the measured phase'));
    }
  }
  if (budgets.peakRss) {
    const all = [...obs.series.boundaries.values.rss, ...obs.series.timed.values.rss].filter((v): v is number => v !== null);
    if (all.length > 0) {
      const peak = Math.max(...all);
      const max = budgets.peakRss.value;
      out.push(check({
        id: 'budget.peakRss', resource: 'rss', kind: 'budget', limit: budgets.peakRss.written, limitValue: max, observed: peak, series: 'rss', limitLine: max,
        pass: peak <= max, message: `RSS peaked at ${formatBytes(peak)} (budget ${formatBytes(max)})`,
      }));
    } else {
      out.push(notMeasured('budget.peakRss', 'rss', budgets.peakRss, 'B', 'no RSS sample was taken'));
    }
  }
  return out;
}
