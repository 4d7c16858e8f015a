// Series read from Prometheus as the events of a soak's sample stream, one stream per life of each
// series: a head naming the series, its points as timed samples, and a tail with what the points
// say besides their values (a restart, a gap, a series gone stale before the range's end). Fed to
// the run aggregate, they are judged and reported by the code that judges and reports `seep run`:
// the soak's per-hour trend (analysis/remoteChecks.ts). Used by
// `seep judge --prometheus` and by a scenario's evidence.prometheus. Pure.
import { METRICS, type Metric } from '../report/sampleSchema.ts';
import type { RemoteMetric, RemoteTarget } from '../report/runReportSchema.ts';
import { planBudgets, type BudgetPlan } from '../scenario/runPlan.ts';
import { encodeSample, type StreamEvent } from '../series/sampleStream.ts';
import type { ScrapedSeries } from '../probes/prometheusSeries.ts';
import { seriesName } from '../probes/seriesName.ts';
import { encodeHead, type StreamTail } from './streamHead.ts';
import { gapsOf, livesByDrops, livesByStartTime, type SeriesLife } from './seriesLives.ts';

export interface SeriesSource {
  prometheus: string;
  query: string;
  metric: RemoteMetric;
  stepMs: number;
  /** the range asked for, ms since the epoch */
  startMs: number;
  endMs: number;
  /** reads before this (ms since the epoch) are the warmup, not judged: a scenario's warmup */
  warmupEndMs?: number;
  /** where t = 0 is: the scenario's start, so replicas share its clock; else each life's first point */
  originMs?: number;
  /** the scenario a replica belongs to: its name prefixes the series', its file is theirs */
  scenario?: { name: string; file: string; url?: string };
  sum?: boolean;
  /** the scenario's budgets, applied to each series (none: the default leak check alone) */
  budgets?: BudgetPlan;
  /** what Prometheus said of the queries (its warnings, a limit no series matched), for every series */
  notes?: string[];
}

/** One life of one series, as a sample stream's events. */
export interface SeriesRun {
  name: string;
  /** its points in the measured phase: fewer than the trend test needs cannot be judged */
  measuredPoints: number;
  events: StreamEvent[];
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

function span(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
}

/** A gap longer than this many steps is a series gone stale (its target down or not scraped), not a missed point. */
const GAP_STEPS = 3;

function livesOf(s: ScrapedSeries, src: SeriesSource): SeriesLife[] {
  if (s.starts && s.starts.length > 0) return livesByStartTime(s.points, s.starts);
  // a count falls and rises with the work, and a sum drops when one replica restarts: without a start time, one life
  const one: SeriesLife[] = [{ from: 0, to: s.points.length - 1, startedBy: 'range' }];
  return src.metric === 'fds' || src.sum ? one : livesByDrops(s.points);
}

function seriesNotes(s: ScrapedSeries, src: SeriesSource, lives: SeriesLife[]): string[] {
  const notes: string[] = [];
  const maxGap = GAP_STEPS * src.stepMs;
  for (const g of gapsOf(s.points, maxGap).slice(0, 5)) {
    notes.push(`no point from ${clock(g.from)} to ${clock(g.to)} (${span(g.to - g.from)}): its target was down or not scraped, and Prometheus marked the series stale`);
  }
  const last = s.points.at(-1);
  if (last && src.endMs - last.t > maxGap) {
    notes.push(`its last point is at ${clock(last.t)}, ${span(src.endMs - last.t)} before the range's end: the series went stale (its target gone, or no longer scraped)`);
  }
  if (lives.length > 1) {
    const how = lives[1]!.startedBy === 'start time' ? 'its process start time changed' : 'it dropped back to where its life began';
    notes.push(`restarted ${lives.length - 1} time${lives.length === 2 ? '' : 's'} in the range (${how}, at ${lives.slice(1).map((l) => clock(s.points[l.from]!.t)).join(', ')}): each life is judged on its own`);
  }
  return notes;
}

function lifeRun(s: ScrapedSeries, src: SeriesSource, life: SeriesLife, index: number, lives: SeriesLife[], notes: string[]): SeriesRun {
  const points = s.points.slice(life.from, life.to + 1);
  const origin = src.originMs ?? points[0]!.t;
  const warmupMs = src.warmupEndMs === undefined ? 0 : Math.max(0, src.warmupEndMs - origin);
  const series = src.sum ? src.query : seriesName(s.labels);
  const lifeText = lives.length > 1 ? ` · life ${index + 1} of ${lives.length} (from ${clock(points[0]!.t)})` : '';
  const name = `${src.scenario ? `${src.scenario.name} · ` : ''}${series}${lifeText}`;
  const remote: RemoteTarget = { prometheus: src.prometheus, query: src.query, metric: src.metric };
  if (src.sum) remote.sum = true;
  else remote.labels = s.labels;
  if (lives.length > 1) remote.life = { index: index + 1, of: lives.length, startedBy: life.startedBy };
  if (s.limit) remote.limit = s.limit;
  if (src.scenario?.url) remote.url = src.scenario.url;
  const samples: StreamEvent[] = [];
  let measured = 0;
  let lastT = 0;
  for (const p of points) {
    if (p.t < origin) continue;
    const t = p.t - origin;
    const phase = t < warmupMs ? 'warmup' : 'measured';
    if (phase === 'measured') measured++;
    lastT = t;
    const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, number | null>;
    values[src.metric] = p.v;
    samples.push(encodeSample({ t, iteration: null, phase, values, tcp: {}, pids: [] }, 't', false));
  }
  const head = encodeHead({
    name,
    file: src.scenario?.file ?? '',
    startedAt: new Date(origin).toISOString(),
    target: { kind: 'service', remote },
    budgets: src.budgets ?? planBudgets(),
    alerts: [],
    durationMs: lastT,
    // a series is a soak: judged per hour of its points
    measure: { ms: lastT },
    warmup: { ms: warmupMs },
    sampleHz: 0,
  });
  const tail: StreamTail = {
    finishedAt: new Date(points.at(-1)!.t).toISOString(),
    steps: { warmup: 0, measured: 0 },
    orphans: [],
    newSinceBaseline: { processes: [], sockets: [], fds: [] },
    fileSizes: {},
    probeErrors: [...notes, ...(src.notes ?? [])],
  };
  const events: StreamEvent[] = [
    { k: 'head', v: 1, head },
    ...samples,
    { k: 'stopping', t: lastT },
    { k: 'end', t: lastT, tail: tail as unknown as Record<string, unknown> },
  ];
  return { name, measuredPoints: measured, events };
}

/** Each series' lives, as streams to judge; a series with no points has none. */
export function seriesRuns(src: SeriesSource, series: ScrapedSeries[]): SeriesRun[] {
  const out: SeriesRun[] = [];
  for (const s of series) {
    if (s.points.length === 0) continue;
    const lives = livesOf(s, src);
    const notes = seriesNotes(s, src, lives);
    lives.forEach((life, i) => out.push(lifeRun(s, src, life, i, lives, notes)));
  }
  return out;
}
