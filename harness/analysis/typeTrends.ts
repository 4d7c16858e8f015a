// Per-type growth judged over the measured phase, not only at its ends. Pure: the series the agent
// read at every boundary (Python: objects per type, Node: live sampled bytes per allocation site)
// and the suspects named after the run in, one trend per name and the leak.types check out.
//
// Three points cannot tell a cache that is still filling from a leak; a series can. A type or site
// leaks when it grows about k per step (k >= ~1 object; Node: bytes) with no plateau over the
// measured reads (analyzeTrend, whose plateau test asks first whether it rose then flattened), still
// rose in the second half of the measured phase, and kept what it gained through the settle.
import type { Check, Suspect, TypeGrowthSeries, TypeTrend } from '../report/runReportSchema.ts';
import { formatBytes } from '../scenario/units.ts';
import { isInformative, typeGrowthCheck, withHeld } from './suspects.ts';
import { analyzeTrend, MIN_SAMPLES } from './trend.ts';
import { deceleration } from './soakWindow.ts';
import { sampledPace } from './sampledPace.ts';

/** fuite's rule (suspects.ts): a count that grows by about the step count, 10% slack for late frees */
const MIN_OBJECTS_PER_STEP = 0.9;
/**
 * Node counts bytes, sampled: one small object (a class instance of a few fields is 40-100 bytes)
 * per step. Sampling noise is one sample (about the sampling interval, 1 KiB) at a time, so a lone
 * late sample must not pass for a rate: MIN_LATE_RISES guards that.
 */
const MIN_BYTES_PER_STEP = 64;
/** the heap check's floor (trend.ts defaultFloor for memory per iteration), for sites in Node's own code */
const MIN_VIA_BYTES_PER_STEP = 4096;
/**
 * No plateau, read off the reads themselves: it still rose at this many reads of the measured
 * phase's second half. A cache that filled early, or one lazy allocation, rises once or not at all there.
 */
const MIN_LATE_RISES = 3;
/**
 * A Node site that rose, then crept (an LRU of 20 entries of 150 KB filled in 15 steps, then its Map
 * grew 2.3 KB a step): what it still gains after the rise must be a fair share of all it gained, or
 * the creep is the bounded structure's own, not a leak (catalogueCache.mjs, expressApp's LRU).
 */
const TAIL_SHARE_OF_GROWTH = 0.25;
/**
 * A Node site's sampled bytes in a cache that churns (each step evicts an entry and adds one) walk
 * up and down at random, and a random walk of 50 steps often passes for a trend; what a leak keeps
 * is never given back, so its reads rarely fall. At most this many falls per rise.
 */
const MAX_FALLS_PER_RISE = 0.25;
/**
 * A Node site whose samples were alive at two reads and gone at a later one gave them back: a
 * cache that evicts does, a leak never does. Past this share of all it held (given back and still
 * held), its growth is a bounded structure turning over, whatever its counts' trend says. Counts
 * alone cannot tell: expressApp's LRU of 40 products holds a few samples at its handler's line, and
 * a climb of so few samples over 27 reads passed for a leak beside a CPU hog (+117 B/step, 9.5 KB
 * kept); simulated (samples arriving 0.1-0.3 a step, living 40 steps, a read every 3, 80 steps),
 * 23-74 runs in 1000 failed. Turned over once after the baseline, it gave back half of all it held
 * (0.21-0.81 in 6 real runs beside a hog; 5th percentile 0.22-0.33 simulated), where the leaky
 * sites of connection-per-step, node-service and express-audit gave back none. At 0.25, 3-6 of
 * those 1000 runs still failed; at 0.15, 0-1.
 */
const MAX_GIVEN_BACK_SHARE = 0.15;
/** what it gained and kept through the settle: memlab's "still there after the settle", as suspects.ts */
const KEPT_AFTER_SETTLE = 0.9;
/** trends carried in the report: the top growers, a chart's worth */
const KEEP_TRENDS = 8;

/** How many reads rose and fell from the one before, from read `from` on. */
function moves(y: number[], from = 1): { rises: number; falls: number } {
  let rises = 0;
  let falls = 0;
  for (let i = Math.max(1, from); i < y.length; i++) {
    if (y[i]! > y[i - 1]!) rises++;
    else if (y[i]! < y[i - 1]!) falls++;
  }
  return { rises, falls };
}

/** A Node site is named 'fn file:line' (or '... in Ctor'): its suspect is the constructor of that name. */
export function suspectFor(g: Pick<TypeGrowthSeries, 'runtime'>, name: string, ranked: Suspect[]): Suspect | undefined {
  const suspects = withHeld(ranked);
  if (g.runtime === 'python') return suspects.find((s) => s.kind === 'type' && s.name === name);
  const fn = name.split(' ')[0];
  const inCtor = / in (\S+)$/.exec(name)?.[1];
  // a closure's suspect is named 'fn()'
  return suspects.find((s) => s.kind === 'constructor' && (s.name === fn || s.name === `${fn}()` || s.name === inCtor));
}

/** What a type's growth is weighed against besides its own series. */
export interface TypeTrendContext {
  /** the measured phase ended on a time (a soak): growth that slows as a filling cache's does is listed, not failed */
  soak?: boolean;
  /**
   * what the runtime heap shows, against which a site in the runtime's own code is held: whether its
   * check (leak.heap) found a leak, and the growth per step it surely reached (the low end of the
   * interval of its slope); null when no heap was read
   */
  heap?: HeapShows | null;
}

export interface HeapShows {
  /** leak.heap failed: the heap after GC grows as a leak does */
  leaks: boolean;
  /** its verdict, as its check said it ('bounded', 'inconclusive', 'leak') */
  verdict: string;
  /** bytes per step, the low end of the interval of the heap's slope */
  lowPerStep: number;
}

/**
 * A Node site in the runtime's own code with none of the target's code above it ('onconnection
 * node:net', a native function): named 'fn node:x' or 'fn' alone, never 'fn /path:line' nor '... via'.
 */
export function isRuntimeSite(g: Pick<TypeGrowthSeries, 'runtime'>, name: string): boolean {
  return g.runtime === 'node' && !/\bvia\b/.test(name) && !/ \/\S*:\d+( in \S+)?$/.test(name);
}

function judgeOne(g: TypeGrowthSeries, { name, values, givenBack = 0, sampleBytes }: TypeGrowthSeries['series'][number], suspects: Suspect[], ctx: TypeTrendContext = {}): TypeTrend {
  const x: number[] = [];
  const y: number[] = [];
  let settle: number | null = null;
  values.forEach((v, i) => {
    if (v === null) return;
    if (g.phase[i] === 'settle') settle = v;
    else {
      x.push(g.iteration[i]!);
      y.push(v);
    }
  });
  // 'fn via userFn file:line': Node's own code (Map tables, string builders, Buffers) called from
  // the target's line; its transient caches creep (an LRU's Map: +1.4 KB/step), so only growth
  // the heap check would call a leak too counts there
  const via = g.unit === 'B' && /\bvia\b/.test(name);
  const minSlope = g.unit === 'B' ? (via ? MIN_VIA_BYTES_PER_STEP : MIN_BYTES_PER_STEP) : MIN_OBJECTS_PER_STEP;
  const trend = analyzeTrend({ x, y, kind: 'count', per: 'iteration', unit: g.unit === 'B' ? 'B' : 'objects', series: 'boundaries' }, { minSlope });
  // rises in the measured phase's second half: a cache that filled early rises there once or not at all
  const rises = moves(y, Math.ceil(y.length / 2)).rises;
  const last = y.at(-1) ?? 0;
  const afterSettle = settle as number | null;
  const informative = g.runtime === 'node' || isInformative({ runtime: 'python', kind: 'type', name });
  // the trend's fitted line spans only what followed an early rise, when there was one
  const roseFirst = x.length > 0 && trend.interceptX > x[0]!;
  const tailGrowth = trend.slope * (trend.endX - trend.interceptX);
  const creepAfterFill = g.unit === 'B' && roseFirst && tailGrowth < TAIL_SHARE_OF_GROWTH * last;
  const all = moves(y);
  const gaveBack = givenBack > MAX_GIVEN_BACK_SHARE * (givenBack + Math.max(0, last));
  const churns = g.unit === 'B' && (all.falls > MAX_FALLS_PER_RISE * Math.max(1, all.rises) || gaveBack);
  const grew = informative && trend.verdict === 'leak' && trend.slope >= minSlope && rises >= MIN_LATE_RISES
    && !creepAfterFill && !churns && afterSettle !== null && afterSettle >= KEPT_AFTER_SETTLE * last;
  const notFailed = grew ? whyNotFailed(g, name, { x, y, sampleBytes }, trend.slope, minSlope, ctx) : null;
  return { name, trend, afterSettle, leaks: grew && notFailed === null, where: suspectFor(g, name, suspects)?.where ?? [], ...(notFailed ? { notFailed } : {}) };
}

/**
 * A site in the runtime's own code (a connection's handle, a parser Node pools) fails only when the
 * heap itself leaks, and surely by at least as much per step: its sampled bytes moved 174 B a step
 * over 151 reads in a clean server whose heap and 3,000 steps without seep stayed flat, and 74-79 B a
 * step over 24 reads in 3 of 30 runs of fixtures/connection-per-step, whose heap rose then plateaued
 * (a slope after the plateau of about 270 B a step, under the heap check's floor: bounded). In a soak,
 * growth that slows down (the second half of the reads gaining at most 60% as fast as the first) is
 * a cache filling as far as the window tells: listed, and the heap and RSS checks say how long would decide.
 * A Node site's reads are samples: it fails a soak only when its samples surely kept their pace
 * (sampledPace.ts); too few to tell, it is listed.
 */
function whyNotFailed(g: TypeGrowthSeries, name: string, reads: { x: number[]; y: number[]; sampleBytes?: number }, slope: number, minSlope: number, ctx: TypeTrendContext): string | null {
  const heap = ctx.heap;
  if (isRuntimeSite(g, name) && heap !== undefined) {
    if (heap === null) return "in the runtime's own code, and the heap was not read";
    if (!heap.leaks) return `in the runtime's own code, and the heap after GC shows no leak (leak.heap: ${heap.verdict})`;
    if (heap.lowPerStep < slope) return `in the runtime's own code, and the heap did not surely grow as much (at least ${formatBytes(Math.max(0, heap.lowPerStep))} per step, the low end of its interval)`;
  }
  if (!ctx.soak) return null;
  const { x, y, sampleBytes } = reads;
  const slower = (first: number, second: number) => `it grows ever more slowly (${rateText(g, first)} over the first half of the reads, ${rateText(g, second)} over the second): a cache filling as far as this soak can tell`;
  const pace = sampleBytes !== undefined ? sampledPace(x, y, sampleBytes) : null;
  if (pace) {
    if (pace.keepsPace) return null;
    if (pace.slowing) return slower(pace.firstPerStep, pace.secondPerStep);
    return `its ${pace.first + pace.second} samples (${pace.first} over the first half of the reads, ${pace.second} over the second) are too few to tell a steady leak from a cache filling: a longer soak would tell`;
  }
  // x is the step: per 'hour' of steps, as deceleration() reads its x in hours
  const d = deceleration(x.map((i) => i * HOUR_MS), y, minSlope);
  return d ? slower(d.firstPerHour, d.secondPerHour) : null;
}

const HOUR_MS = 3_600_000;

function rateText(g: Pick<TypeGrowthSeries, 'unit'>, perStep: number): string {
  return g.unit === 'B' ? `${formatBytes(perStep)}/step` : `${perStep.toFixed(1)}/step`;
}

/** Every followed name judged, the leaks first, then by slope. */
export function typeTrends(g: TypeGrowthSeries, suspects: Suspect[] = [], ctx: TypeTrendContext = {}): TypeTrend[] {
  return g.series
    .map((s) => judgeOne(g, s, suspects, ctx))
    .sort((a, b) => Number(b.leaks) - Number(a.leaks) || b.trend.slope - a.trend.slope || a.name.localeCompare(b.name));
}

function rate(t: TypeTrend): string {
  return t.trend.unit === 'B' ? `+${formatBytes(t.trend.slope)}/step` : `+${t.trend.slope.toFixed(1)}/step`;
}

function held(where: string[]): string {
  return where.length > 0 ? ` (held by ${where.slice(0, 3).join(' > ')}${where.length > 3 ? ' > ...' : ''})` : '';
}

/**
 * leak.types from both kinds of evidence: the suspects named after the run (three looks) and the
 * series read at every boundary. Where the series shows a Python type rose then plateaued (a cache
 * that filled), the three looks are overruled for it; a type or site the series shows growing
 * without a plateau fails the check even when the three looks missed it, named once.
 */
export function heapTypesCheck(suspects: Suspect[] | undefined, growth: TypeGrowthSeries | undefined, ctx: TypeTrendContext = {}): Check | null {
  if (!growth) return typeGrowthCheck(suspects);
  const all = withHeld(suspects ?? []);
  const trends = typeTrends(growth, all, ctx);
  const leaking = trends.filter((t) => t.leaks);
  const plateaued = new Set(growth.runtime === 'python' ? trends.filter((t) => t.trend.plateauAt !== null).map((t) => t.name) : []);
  const namedBySeries = new Set(leaking.map((t) => suspectFor(growth, t.name, all)?.name ?? t.name));
  const fromLooks = typeGrowthCheck(all.filter((s) => !(s.kind === 'type' && plateaued.has(s.name)) && !namedBySeries.has(s.name)))!;
  const failing = leaking.length + fromLooks.observed;
  const reads = growth.phase.filter((p) => p !== 'settle').length;
  const what = growth.runtime === 'python' ? 'type' : 'allocation site';
  const kept = (t: TypeTrend) => (t.trend.unit === 'B' ? formatBytes(t.afterSettle ?? 0) : String(t.afterSettle));
  const top = leaking.slice(0, 3).map((t) => `${t.name} ${rate(t)} over ${reads} reads with no plateau, ${kept(t)} kept after the settle${held(t.where)}`);
  const parts: string[] = [];
  if (leaking.length > 0) parts.push(`${leaking.length} ${what}${leaking.length === 1 ? '' : 's'} grew through the measured phase and stayed after the settle: ${top.join('; ')}${leaking.length > 3 ? '; ...' : ''}`);
  if (!fromLooks.pass) parts.push(fromLooks.message);
  if (failing === 0) {
    const looks = suspects === undefined ? ' (no looks were taken after it)' : ', and nothing grew once per step and stayed after the settle';
    parts.push(`no ${what} grew once per step without a plateau over ${reads} boundary reads${looks}`);
  }
  if (plateaued.size > 0) parts.push(`rose then plateaued: ${[...plateaued].slice(0, 3).join(', ')}${plateaued.size > 3 ? ', ...' : ''}`);
  const listed = trends.filter((t) => t.notFailed);
  if (listed.length > 0) parts.push(`listed, not failed: ${listed.slice(0, 3).map((t) => `${t.name} ${rate(t)} (${t.notFailed})`).join('; ')}${listed.length > 3 ? '; ...' : ''}`);
  if (!growth.phase.includes('settle')) parts.push('the boundary series was not judged for leaks: no read after the settle');
  else if (reads < MIN_SAMPLES.count) parts.push(`the boundary series was not judged for leaks: ${reads} reads, a trend needs ${MIN_SAMPLES.count}`);
  return {
    id: 'leak.types', resource: 'heap', kind: 'leak', limitValue: 0, observed: failing, unit: 'types', pass: failing === 0,
    message: parts.join('; '),
    typeTrends: trends.slice(0, KEEP_TRENDS),
  };
}
