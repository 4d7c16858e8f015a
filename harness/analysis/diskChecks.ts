// Disk judged like memory, path by path. Pure: the boundary series of the target's temp dir
// (tmpBytes, tmpEntries) and of each path followed (observations/diskRows.ts) in, leak.disk or
// budget.disk out. A path leaks when its bytes, or a folder's entries, grow with no plateau over the
// baseline and the measured boundaries (analyzeTrend: a cache that fills to its cap and stays, or
// evicts, plateaus) and it is still there after the settle; the temp dir leaks the same way, and
// what it held once the target had stopped is named by path. Files the scenario allows are shown,
// not judged. Sizes on disk are exact (no GC noise) but move in steps (a page of SQLite, a log line
// now and then): they are judged as counts are.
import type { Phase } from '../report/sampleSchema.ts';
import type { Check, DiskPath, DiskSeries, DiskTrend, TimeToLimit, TrendResult } from '../report/runReportSchema.ts';
import type { BudgetPlan, Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { growth, iterationPoints, notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { analyzeTrend } from './trend.ts';

/** A byte a step is growth without bound all the same; below it, a size that moves is rounding. */
export const DISK_FLOOR_BYTES = 1;
/** a folder gaining an entry every 50 steps (the counts' floor, trend.ts) */
const ENTRIES_FLOOR = 0.02;
/** what it gained and kept through the settle, as leak.types asks (typeTrends.ts) */
const KEPT_AFTER_SETTLE = 0.9;
/** paths carried in the check: the growing ones first, a table's worth */
const KEEP_TRENDS = 12;

interface Points {
  x: number[];
  y: number[];
  settle: number | null;
}

function points(iteration: number[], phase: Phase[], values: (number | null)[]): Points {
  const x: number[] = [];
  const y: number[] = [];
  let settle: number | null = null;
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    if (phase[i] === 'settle') settle = v;
    else {
      x.push(iteration[i]!);
      y.push(v);
    }
  });
  return { x, y, settle };
}

function trendOf(p: Points, unit: string, floor: number): TrendResult | null {
  if (p.y.length < 2) return null;
  return analyzeTrend({ x: p.x, y: p.y, kind: 'count', per: 'iteration', unit, series: 'boundaries' }, { minSlope: floor });
}

function judgePath(s: DiskSeries, d: DiskPath): DiskTrend | null {
  const bytes = points(s.iteration, s.phase, d.bytes);
  const trend = trendOf(bytes, 'B', DISK_FLOOR_BYTES);
  if (!trend) return null;
  const entries = d.entries ? trendOf(points(s.iteration, s.phase, d.entries), 'entries', ENTRIES_FLOOR) : null;
  const last = bytes.y.at(-1) ?? 0;
  // a run with no settle read judges what it had; a path gone by the settle was removed: not kept
  const settled = s.phase.includes('settle');
  const afterSettle = settled ? bytes.settle : last;
  const kept = afterSettle !== null && afterSettle >= KEPT_AFTER_SETTLE * last;
  const grows = trend.verdict === 'leak' || entries?.verdict === 'leak';
  const allowed = d.allowed === true;
  const t: DiskTrend = { path: d.path, kind: d.kind, how: d.how, trend, afterSettle, leaks: grows && kept && !allowed, allowed };
  if (entries) t.entries = entries;
  return t;
}

/** The temp dir, from the samples' columns: the same points as the memory trends. */
function judgeTemp(obs: Observations): DiskTrend | null {
  const dir = obs.disk?.tempDir;
  if (!dir) return null;
  const bytesPts = iterationPoints(obs, 'tmpBytes');
  const entriesPts = iterationPoints(obs, 'tmpEntries');
  if (!bytesPts || !entriesPts) return null;
  const trend = analyzeTrend({ x: bytesPts.x, y: bytesPts.y, kind: 'count', per: 'iteration', unit: 'B', series: 'boundaries', offset: bytesPts.offset }, { minSlope: DISK_FLOOR_BYTES });
  const entries = analyzeTrend({ x: entriesPts.x, y: entriesPts.y, kind: 'count', per: 'iteration', unit: 'entries', series: 'boundaries', offset: entriesPts.offset }, { minSlope: ENTRIES_FLOOR });
  const b = obs.series.boundaries;
  const settleBytes = obs.settle ? b.values.tmpBytes[obs.settle.to] ?? null : bytesPts.y.at(-1)!;
  // what it holds after the run is listed whatever the trend; kept means it was still there then
  const left = obs.disk?.tempLeft;
  const kept = left === undefined ? settleBytes !== null && settleBytes >= KEPT_AFTER_SETTLE * bytesPts.y.at(-1)! : left.length > 0;
  const grows = trend.verdict === 'leak' || entries.verdict === 'leak';
  return { path: dir, kind: 'temp', how: 'temp dir', trend, entries, afterSettle: settleBytes, leaks: grows && kept, allowed: false };
}

/** Every path followed, judged: the leaks first, then by slope. */
export function diskTrends(obs: Observations): DiskTrend[] {
  const s = obs.disk;
  if (!s) return [];
  const out = [judgeTemp(obs), ...s.paths.map((d) => judgePath(s, d))].filter((t): t is DiskTrend => t !== null);
  return out.sort((a, b) => Number(b.leaks) - Number(a.leaks) || Number(a.allowed) - Number(b.allowed) || b.trend.slope - a.trend.slope || a.path.localeCompare(b.path));
}

function rate(t: DiskTrend): string {
  const parts: string[] = [];
  if (t.trend.verdict === 'leak') parts.push(`+${formatBytes(t.trend.slope)}/iteration`);
  if (t.entries?.verdict === 'leak') parts.push(`+${Number(t.entries.slope.toPrecision(2))} entries/iteration`);
  return parts.join(', ');
}

function describePath(t: DiskTrend, obs: Observations): string {
  const name = t.kind === 'temp' ? `the temp dir ${t.path}` : t.kind === 'folder' ? `folder ${t.path}` : t.path;
  const how = t.kind === 'file' ? ` (${t.how})` : '';
  const left = t.kind === 'temp' && obs.disk?.tempLeft ? `; left after the run: ${leftText(obs)}` : `, ${formatBytes(t.afterSettle ?? 0)} after the settle`;
  return `${name}${how} ${rate(t)}, no plateau${left}`;
}

function leftText(obs: Observations): string {
  const left = obs.disk?.tempLeft ?? [];
  if (left.length === 0) return 'nothing';
  const named = left.slice(0, 3).map((l) => `${l.id} (${l.detail})`).join(', ');
  return `${left.length >= 50 ? 'over 50' : left.length} entr${left.length === 1 ? 'y' : 'ies'}: ${named}${left.length > 3 ? ', ...' : ''}`;
}

/**
 * When the disk fills at the rate measured: the leaking paths' slopes (per hour of the measured
 * phase) summed per file system, against its free space. Null when no rate per hour is known.
 */
export function timeToFullDisk(leaking: DiskTrend[], obs: Observations): (TimeToLimit & { holding: string }) | null {
  const s = obs.disk;
  if (!s || !(obs.measuredHours > 0) || obs.measuredIterations <= 0) return null;
  const perHour = obs.measuredIterations / obs.measuredHours;
  const byFs = new Map<number, { slope: number; low: number; high: number; holding: string }>();
  for (const t of leaking) {
    const free = t.kind === 'temp' ? s.tempFree : s.paths.find((p) => p.path === t.path)?.free;
    if (free === null || free === undefined) continue;
    // a folder filling with entries of its own size: its bytes say how fast
    const g = byFs.get(free) ?? { slope: 0, low: 0, high: 0, holding: t.kind === 'temp' ? 'the temp dir' : t.path };
    g.slope += Math.max(0, t.trend.slope) * perHour;
    g.low += Math.max(0, t.trend.low) * perHour;
    g.high += Math.max(0, t.trend.high) * perHour;
    byFs.set(free, g);
  }
  let best: (TimeToLimit & { holding: string }) | null = null;
  for (const [free, g] of byFs) {
    if (!(g.slope > 0)) continue;
    const estimate = free / g.slope;
    if (best && estimate >= best.estimate) continue;
    best = {
      limit: `${formatBytes(free)} free`, limitName: 'disk space', limitValue: free, level: 0, per: 'hour', estimate,
      low: g.high > 0 ? free / g.high : estimate, high: g.low > 0 ? free / g.low : null, holding: g.holding,
    };
  }
  return best;
}

function hours(h: number): string {
  if (h < 1) return `${Math.max(1, Math.round(h * 60))} min`;
  if (h < 48) return `${h < 10 ? h.toFixed(1).replace(/\.0$/, '') : Math.round(h)} h`;
  return `${(h / 24).toFixed(1).replace(/\.0$/, '')} days`;
}

/** A path at or under one a files budget names (as written, from the project root, as the report names paths). */
function underFilesBudget(p: string, files: BudgetPlan['files']): boolean {
  return files.some(({ path: f }) => {
    const b = f.replace(/^\.\//, '').replace(/\/+$/, '');
    return p === b || p.startsWith(`${b}/`);
  });
}

/**
 * leak.disk: null when disk was not observed (a stored run from before, a pytest document). `files`:
 * the paths a files budget judges instead (followed but not judged, as the allowed ones are).
 */
export function diskLeakCheck(obs: Observations, files: BudgetPlan['files'] = []): Check | null {
  if (!obs.disk) return null;
  const all = diskTrends(obs);
  const leaking = all.filter((t) => t.leaks);
  const full = timeToFullDisk(leaking, obs);
  const left = obs.disk.tempLeft ?? [];
  const parts: string[] = [];
  if (leaking.length > 0) {
    parts.push(`${leaking.length} path${leaking.length === 1 ? '' : 's'} on disk grew with no plateau: ${leaking.slice(0, 3).map((t) => describePath(t, obs)).join('; ')}${leaking.length > 3 ? '; ...' : ''}`);
    if (full) parts.push(`at this rate the disk holding ${full.holding} is full in ${hours(full.estimate)} (${full.limit})`);
  } else {
    const followed = all.filter((t) => t.kind !== 'temp');
    parts.push(`nothing on disk grew without a plateau (${obs.disk.tempDir ? 'the temp dir and ' : ''}${followed.length} path${followed.length === 1 ? '' : 's'} followed)`);
    if (obs.disk.tempDir) parts.push(`left in the temp dir after the run: ${leftText(obs)}`);
  }
  const excused = all.filter((t) => t.allowed && (t.trend.verdict === 'leak' || t.entries?.verdict === 'leak'));
  const budgeted = excused.filter((t) => underFilesBudget(t.path, files));
  const allowed = excused.filter((t) => !budgeted.includes(t));
  if (allowed.length > 0) parts.push(`allowed (budgets.disk.allow): ${allowed.map((t) => `${t.path} ${rate(t)}`).join(', ')}`);
  if (budgeted.length > 0) parts.push(`judged by their files budget: ${budgeted.map((t) => `${t.path} ${rate(t)}`).join(', ')}`);
  // the trend drawn and compared: the temp dir's when it leads the leaks, else what the target writes
  const temp = leaking[0]?.kind === 'temp' ? leaking[0] : null;
  const trend = temp ? temp.trend : diskTotalTrend(obs);
  const check: Check = {
    id: 'leak.disk', resource: 'disk', kind: 'leak', limitValue: 0, observed: leaking.length, unit: 'paths', pass: leaking.length === 0,
    series: temp ? 'tmpBytes' : 'diskBytes', message: parts.join('; '), diskTrends: all.slice(0, KEEP_TRENDS),
  };
  if (trend) check.trend = trend;
  if (full) check.timeToLimit = { limit: full.limit, limitName: full.limitName, limitValue: full.limitValue, level: full.level, per: full.per, estimate: full.estimate, low: full.low, high: full.high };
  if (left.length > 0) check.leftovers = left.slice(0, 50);
  return check;
}

/** The trend of what the target writes (diskBytes), for the chart and the comparisons. */
function diskTotalTrend(obs: Observations): TrendResult | null {
  const p = iterationPoints(obs, 'diskBytes');
  if (!p) return null;
  return analyzeTrend({ x: p.x, y: p.y, kind: 'count', per: 'iteration', unit: 'B', series: 'boundaries', offset: p.offset }, { minSlope: DISK_FLOOR_BYTES });
}

/** budget.disk: what the target writes plus its temp dir, grown from the baseline to the end of the measured phase. */
export function diskBudgetCheck(obs: Observations, limit: Limit<'B'>): Check {
  const files = growth(obs, 'diskBytes');
  const temp = growth(obs, 'tmpBytes');
  if (!files && !temp) return notMeasured('budget.disk', 'disk', limit, 'B', obs.disk ? 'too few measured boundaries' : 'disk was not observed in this run');
  const g = (files?.growth ?? 0) + (temp?.growth ?? 0);
  const leaking = diskTrends(obs).filter((t) => t.leaks);
  const named = leaking.length > 0 ? `; growing: ${leaking.slice(0, 3).map((t) => `${t.kind === 'temp' ? 'the temp dir' : t.path} ${rate(t)}`).join(', ')}` : '';
  const check: Check = {
    id: 'budget.disk', resource: 'disk', kind: 'budget', limit: limit.written, limitValue: limit.value, observed: g, unit: 'B', pass: g <= limit.value,
    series: 'diskBytes', baselineValue: files?.baseline ?? 0, limitLine: (files?.baseline ?? 0) + limit.value,
    message: `disk grew ${formatBytes(g)} over ${obs.measuredIterations} iterations (files written ${formatBytes(files?.growth ?? 0)}, temp dir ${formatBytes(temp?.growth ?? 0)}; budget ${formatBytes(limit.value)})${named}`,
    diskTrends: diskTrends(obs).slice(0, KEEP_TRENDS),
  };
  return check;
}

/** leak.disk by default; budget.disk in its place when the scenario sets a growth. */
export function diskChecks(obs: Observations, budgets: BudgetPlan): Check[] {
  if (budgets.disk.growth) return [diskBudgetCheck(obs, budgets.disk.growth)];
  const c = diskLeakCheck(obs, budgets.files);
  return c ? [c] : [];
}

