// A soak's verdict knows its window. Pure: series in, a softened verdict out, with the measured
// duration that would decide. A JSON API's RSS rose and fell between 76 and 110 MB every 100-160 s
// with no trend, and its heap after GC grew ever more slowly (11.58 -> 11.84 MB in 2 min, 12.11 MB at
// 7 min); a 60 s soak sat inside one climb and called it 492.8 MB an hour, twice. A rate per hour
// read off less than three cycles, or off a heap still filling, is one climb extrapolated: the
// verdict says inconclusive and how long would decide, never a leak.
import type { TrendResult } from '../report/runReportSchema.ts';
import { formatBytes } from '../scenario/units.ts';
import { formatElapsed, formatNeeded } from '../scenario/elapsed.ts';
import { theilSen } from './theilSen.ts';
import { heapSays } from './describeTrend.ts';

const HOUR_MS = 3_600_000;
/** a fall counts when it gives back at least this share of the window's range (the 2nd-98th percentile) */
const FALL_SHARE = 0.5;
/** a cycle longer than this share of the window leaves fewer than three cycles to fit a line through */
const CYCLE_SHARE_OF_WINDOW = 1 / 3;
/** the second half of the window grows at most this share as fast as the first: decelerating */
export const DECELERATING = 0.6;
/** never ask for more than a week */
const MAX_MEASURE_MS = 7 * 24 * HOUR_MS;

export interface MemoryCycle {
  /** the length of a cycle as seen: the median gap between peaks, or with one fall seen, the longer climb (a lower bound) */
  periodMs: number;
  atLeast: boolean;
  falls: number;
  /** the largest fall, in the series' unit */
  amplitude: number;
}

function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

/**
 * Rises and falls in a timed series (t in ms): a fall is a drop of at least half the window's range
 * (and at least `minFall`) from the highest point since the last fall. Null when it never fell so.
 */
export function findCycle(t: number[], y: number[], minFall: number): MemoryCycle | null {
  if (y.length < 6) return null;
  const sorted = [...y].sort((a, b) => a - b);
  const range = percentile(sorted, 0.98) - percentile(sorted, 0.02);
  const h = Math.max(FALL_SHARE * range, minFall);
  if (range < minFall) return null;
  const peaks: { t: number; v: number }[] = [];
  const troughs: { t: number; v: number }[] = [{ t: t[0]!, v: y[0]! }];
  let rising = true;
  let ext = y[0]!;
  let extT = t[0]!;
  let amplitude = 0;
  for (let i = 1; i < y.length; i++) {
    const v = y[i]!;
    if (rising) {
      if (v > ext) [ext, extT] = [v, t[i]!];
      else if (v < ext - h) {
        peaks.push({ t: extT, v: ext });
        rising = false;
        [ext, extT] = [v, t[i]!];
      }
    } else if (v < ext) [ext, extT] = [v, t[i]!];
    else if (v > ext + h) {
      amplitude = Math.max(amplitude, peaks.at(-1)!.v - ext);
      troughs.push({ t: extT, v: ext });
      rising = true;
      [ext, extT] = [v, t[i]!];
    }
  }
  if (peaks.length === 0) return null;
  if (!rising) amplitude = Math.max(amplitude, peaks.at(-1)!.v - ext);
  if (peaks.length >= 2) {
    const gaps = peaks.slice(1).map((p, i) => p.t - peaks[i]!.t).sort((a, b) => a - b);
    return { periodMs: gaps[gaps.length >> 1]!, atLeast: false, falls: peaks.length, amplitude };
  }
  // one fall: the climb before it, and the one after it (still going at the end), each a part of a cycle
  const peak = peaks[0]!;
  const before = troughs.filter((x) => x.t <= peak.t).at(-1)!;
  const after = troughs.find((x) => x.t > peak.t)?.t ?? extT;
  return { periodMs: Math.max(peak.t - before.t, t.at(-1)! - after), atLeast: true, falls: 1, amplitude };
}

export interface Deceleration {
  /** growth per hour over the first and the second half of the window */
  firstPerHour: number;
  secondPerHour: number;
  /** the measured duration whose second half would likely be past the growth, at this rate of slowing */
  measureForMs: number;
  /** the second half already grows less than the floor: it has as good as stopped */
  stopped: boolean;
}

/**
 * Whether a growing series (t in ms) grows ever more slowly: the second half of the window grows at
 * most 60% as fast as the first, its interval clear of the first's rate. The duration that would
 * decide assumes the growth keeps slowing as it did (exponentially, as a cache of bounded keys fills):
 * the window must be long enough for its second half to start where the growth is under `floorPerHour`,
 * and at least twice the measured phase the soak planned (`plannedMs`), or measured where longer. Not
 * twice the window measured alone: a first checkpoint late on a busy machine shortens it (a 60 s soak
 * of fixtures/soak-window measured 54 s beside two CPU hogs and asked for 108 s, 114 s on a quiet one),
 * and a soak planned to the duration named measures less than it again.
 */
export function deceleration(t: number[], y: number[], floorPerHour: number, plannedMs = 0): Deceleration | null {
  if (y.length < 10) return null;
  const mid = (t[0]! + t.at(-1)!) / 2;
  const half = (keep: (x: number) => boolean) => {
    const idx = t.map((x, i) => i).filter((i) => keep(t[i]!));
    return theilSen(idx.map((i) => t[i]! / HOUR_MS), idx.map((i) => y[i]!));
  };
  const a = half((x) => x <= mid);
  const b = half((x) => x >= mid);
  if (!(a.slope > floorPerHour) || !(b.slope < DECELERATING * a.slope) || !(b.high < a.slope)) return null;
  const windowMs = t.at(-1)! - t[0]!;
  const ratio = Math.min(0.95, Math.max(0.02, b.slope / a.slope));
  const tauMs = windowMs / 2 / Math.log(1 / ratio);
  // the second half's rate stands for its middle, 3/4 of the way in
  const belowFloorAt = 0.75 * windowMs + (b.slope > floorPerHour ? tauMs * Math.log(b.slope / floorPerHour) : 0);
  return { firstPerHour: a.slope, secondPerHour: b.slope, measureForMs: Math.min(MAX_MEASURE_MS, Math.max(2 * windowMs, 2 * plannedMs, 2 * belowFloorAt)), stopped: b.slope <= floorPerHour };
}


export interface SoakWindowContext {
  /** the timed RSS samples of the measured phase, t in ms */
  timed: { t: number[]; y: number[] } | null;
  /** the runtime heap after GC at the boundaries, its trend per iteration, and whether it decelerates */
  heap: { trend: TrendResult; decelerating: Deceleration | null } | null;
  /** RSS growth per hour under which, the heap after GC flat, it is taken for allocator growth */
  creepPerHour: number;
  /** the warmup before the window, to say how long a soak would need */
  warmupMs: number;
}

const inconclusive = (rss: TrendResult, reason: string, measureForMs: number): TrendResult => ({
  ...rss,
  verdict: 'inconclusive',
  reason: `${reason} (the RSS trend alone says ${rss.reason.replaceAll(':', ' -')})`,
  measureForMs: Math.min(MAX_MEASURE_MS, Math.ceil(measureForMs)),
});

/**
 * The hourly RSS verdict of a soak, weighed against its window: a leak stands when the heap after GC
 * leaks steadily, or when nothing says the climb is a part of a cycle, a filling heap or the allocator.
 */
/** A trend inconclusive for its noise asked for more samples: as a measured duration at the same sampling. */
export function noiseDurationMs(trend: TrendResult, windowMs: number): number | null {
  const n = trend.samplesUsed.count;
  if (trend.moreIterationsNeeded === undefined || n < 2 || !(windowMs > 0)) return null;
  return (windowMs * (n + trend.moreIterationsNeeded)) / n;
}

export function weighSoakWindow(rss: TrendResult, ctx: SoakWindowContext): TrendResult {
  if (rss.verdict === 'bounded') return rss;
  const heap = ctx.heap;
  const windowMs = ctx.timed && ctx.timed.t.length > 1 ? ctx.timed.t.at(-1)! - ctx.timed.t[0]! : 0;
  const found = ctx.timed ? findCycle(ctx.timed.t, ctx.timed.y, 1024 * 1024) : null;
  const cycle = found && found.periodMs > CYCLE_SHARE_OF_WINDOW * windowMs ? found : null;
  const every = cycle ? `${cycle.atLeast ? 'at least ' : ''}~${formatNeeded(cycle.periodMs)}` : '';
  if (rss.verdict === 'inconclusive') {
    // too noisy: the duration that would decide, the cycle and the filling heap counted in
    const need = Math.max(noiseDurationMs(rss, windowMs) ?? 2 * windowMs, cycle ? 3 * cycle.periodMs : 0, heap?.decelerating?.measureForMs ?? 0);
    return { ...rss, reason: `${rss.reason}${cycle ? `; the target's memory cycles every ${every}` : ''}`, measureForMs: Math.min(MAX_MEASURE_MS, Math.ceil(need)) };
  }
  if (heap && heap.trend.verdict === 'leak' && !heap.decelerating) return rss;
  const soak = (ms: number) => `measure at least ${formatNeeded(ms)} (a soak of ${formatNeeded(ms + ctx.warmupMs)})`;
  if (cycle) {
    return inconclusive(rss, `the target's memory cycles every ${every} (RSS fell ${formatBytes(cycle.amplitude)} ${cycle.falls === 1 ? 'once' : `${cycle.falls} times`} in the ${formatElapsed(windowMs)} measured), so a rate per hour over less than three cycles is one climb: ${soak(3 * cycle.periodMs)}`, 3 * cycle.periodMs);
  }
  if (heap?.decelerating && !heap.decelerating.stopped) {
    const d = heap.decelerating;
    return inconclusive(rss, `the runtime heap after GC grows ever more slowly (${formatBytes(d.firstPerHour)} per hour over the first half of the window, ${formatBytes(d.secondPerHour)} over the second), a cache or pool still filling as far as ${formatElapsed(windowMs)} can tell: ${soak(d.measureForMs)}`, d.measureForMs);
  }
  if (heap && (rss.slope < ctx.creepPerHour || rss.low < ctx.creepPerHour)) {
    const windowLonger = Math.max(3 * windowMs, 10 * 60_000);
    const flat = heap.decelerating ? 'the runtime heap after GC is no longer growing (it grew in the first half of the window only)' : heapSays(heap.trend);
    return inconclusive(rss, `${flat}, so RSS growth ${rss.slope < ctx.creepPerHour ? 'under' : 'not clearly above'} ${formatBytes(ctx.creepPerHour)} per hour (64 KiB per step or request) is taken for allocator growth, as it is per iteration: ${soak(windowLonger)} to see whether it flattens`, windowLonger);
  }
  return rss;
}
