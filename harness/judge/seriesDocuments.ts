// Series read from Prometheus as observations documents, one per life of each series: the timed
// reads of a soak, so that `seep judge` judges them as it judges any document, through the run
// aggregate and the soak's per-hour trend (analysis/remoteChecks.ts). What the points say of the
// series besides their values (a restart, a gap, a series gone stale before the range's end) is
// written into the document's notes. Pure.
import type { RemoteMetric, RemoteTarget } from '../report/schema.ts';
import type { ScrapedSeries } from '../probes/prometheusSeries.ts';
import { seriesName } from '../report/seriesName.ts';
import { gapsOf, livesByDrops, livesByStartTime, type SeriesLife } from '../observations/seriesLives.ts';
import { formatElapsed } from '../analysis/soakChecks.ts';
import { DOCUMENT_VERSION, type ObservationsDocument } from './observationsDocument.ts';

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
}

function clock(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
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
    notes.push(`no point from ${clock(g.from)} to ${clock(g.to)} (${formatElapsed(g.to - g.from)}): its target was down or not scraped, and Prometheus marked the series stale`);
  }
  const last = s.points.at(-1);
  if (last && src.endMs - last.t > maxGap) {
    notes.push(`its last point is at ${clock(last.t)}, ${formatElapsed(src.endMs - last.t)} before the range's end: the series went stale (its target gone, or no longer scraped)`);
  }
  if (lives.length > 1) {
    const how = lives[1]!.startedBy === 'start time' ? 'its process start time changed' : 'it dropped back to where its life began';
    notes.push(`restarted ${lives.length - 1} time${lives.length === 2 ? '' : 's'} in the range (${how}, at ${lives.slice(1).map((l) => clock(s.points[l.from]!.t)).join(', ')}): each life is judged on its own`);
  }
  return notes;
}

function lifeDocument(s: ScrapedSeries, src: SeriesSource, life: SeriesLife, index: number, lives: SeriesLife[], notes: string[]): ObservationsDocument {
  const points = s.points.slice(life.from, life.to + 1);
  const origin = src.originMs ?? points[0]!.t;
  const timed = points.filter((p) => p.t >= origin).map((p) => ({
    t: p.t - origin,
    phase: src.warmupEndMs !== undefined && p.t < src.warmupEndMs ? ('warmup' as const) : ('measured' as const),
    values: { [src.metric]: p.v },
  }));
  const series = src.sum ? src.query : seriesName(s.labels);
  const lifeText = lives.length > 1 ? ` · life ${index + 1} of ${lives.length} (from ${clock(points[0]!.t)})` : '';
  const remote: RemoteTarget = { prometheus: src.prometheus, query: src.query, metric: src.metric };
  if (src.sum) remote.sum = true;
  else remote.labels = s.labels;
  if (lives.length > 1) remote.life = { index: index + 1, of: lives.length, startedBy: life.startedBy };
  if (s.limit) remote.limit = s.limit;
  if (src.scenario?.url) remote.url = src.scenario.url;
  return {
    seepObservations: DOCUMENT_VERSION,
    name: `${src.scenario ? `${src.scenario.name} · ` : ''}${series}${lifeText}`,
    file: src.scenario?.file ?? '',
    startedAt: new Date(origin).toISOString(),
    finishedAt: new Date(points.at(-1)!.t).toISOString(),
    target: { kind: 'service', remote },
    budgets: {},
    steps: { warmup: 0, measured: 0 },
    boundaries: [],
    timed,
    durationMs: timed.at(-1)?.t ?? 0,
    warnings: [],
    newSinceBaseline: { processes: [], sockets: [], fds: [] },
    orphans: [],
    probeErrors: notes,
  };
}

/** Each series' lives, as documents to judge; a series with no points has none. */
export function seriesDocuments(src: SeriesSource, series: ScrapedSeries[]): ObservationsDocument[] {
  const out: ObservationsDocument[] = [];
  for (const s of series) {
    if (s.points.length === 0) continue;
    const lives = livesOf(s, src);
    const notes = seriesNotes(s, src, lives);
    lives.forEach((life, i) => out.push(lifeDocument(s, src, life, i, lives, notes)));
  }
  return out;
}
