// What each chart draws, decided in Node from the full series so the page only plots: downsampled
// points, the warmup/settle bands, the baseline and limit lines (budgets, alert levels, default checks'
// levels, each named as what it is) and the fitted trend segment.
// The browser never sees 600,000 points, which keeps the file small and the first paint fast.
// Every level drawn comes from the checks (baselineValue, limitLine) and every trend line from the
// check's fitted line: nothing here judges or refits.
import type { Metric, Phase, TcpState } from '../../report/sampleSchema.ts';
import type { Check, CheckSeries, Resource, ScenarioReport, TrendResult } from '../../report/runReportSchema.ts';
import { TCP_STATES } from '../../report/sampleSchema.ts';
import { minMaxBuckets } from '../downsample.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import { limitLineOf, type LimitLineKind } from '../limitLines.ts';
import { trendSegment, type TrendSegment } from './trendLine.ts';

/** Points per drawn series stay at or under 2 × this: wider than any chart is in pixels. */
export const DISPLAY_BUCKETS = 1000;

export type ChartUnit = 'bytes' | 'count' | 'percent' | 'ms' | 'perSecond';

export interface ChartLine {
  /** what the level is (limitLines.ts): the post-warmup baseline, a budget, a default leak check's level, an alert level */
  kind: 'baseline' | LimitLineKind;
  label: string;
  value: number;
  /** the levels of checks: whether every check at this level passed */
  pass?: boolean;
  /** a count judged by its shape, not by this level (limitLines.ts) */
  shape?: true;
}

export interface ChartSpec {
  id: string;
  title: string;
  resource: Resource | 'cpu' | 'throughput';
  axis: 'iteration' | 'time';
  unit: ChartUnit;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
  bands: { phase: Phase; from: number; to: number }[];
  lines: ChartLine[];
  trend: (TrendSegment & { label: string }) | null;
  /** largest drawn value of the data series (peaks survive downsampling, so this is the true max) */
  max: number | null;
  /** how many points the drawn series came from */
  sourcePoints: number;
  /** moments drawn as ticks: a worker recycled (it ended while the tree went on), a step's request retried after one */
  marks?: ChartMark[];
}

export interface ChartMark {
  x: number;
  kind: 'recycled' | 'retry';
  label: string;
}

interface ResourceChart {
  resource: Resource | 'cpu';
  /** in the chart's id, where a resource has two charts */
  key?: string;
  title: string;
  unit: ChartUnit;
  metrics: Metric[];
  tcp?: boolean;
}

/** A chart draws the checks whose `series` is one of its metrics. */
const RESOURCE_CHARTS: ResourceChart[] = [
  // the memory cgroup's usage (memoryLimit, or an attached service's own cgroup) beside RSS, with the limit it is judged against
  { resource: 'rss', title: 'Memory (RSS / PSS)', unit: 'bytes', metrics: ['rss', 'pss', 'cgroupMemory'] },
  { resource: 'heap', title: 'Runtime heap', unit: 'bytes', metrics: ['heapUsed', 'heapCommitted'] },
  { resource: 'heap', key: 'heap-blocks', title: 'Python allocated blocks', unit: 'count', metrics: ['heapBlocks'] },
  { resource: 'fds', title: 'File descriptors', unit: 'count', metrics: ['fds', 'fdFile', 'fdSocket', 'fdPipe', 'fdOther'] },
  { resource: 'sockets', title: 'Sockets (by TCP state)', unit: 'count', metrics: ['sockets'], tcp: true },
  { resource: 'threads', title: 'Threads', unit: 'count', metrics: ['threads'] },
  { resource: 'children', title: 'Child processes', unit: 'count', metrics: ['children', 'escaped'] },
  { resource: 'handles', title: 'Handles (as the runtime agent sees them)', unit: 'count', metrics: ['handles'] },
  { resource: 'disk', title: 'Disk (files written, temp dir)', unit: 'bytes', metrics: ['diskBytes', 'tmpBytes'] },
  { resource: 'disk', key: 'disk-temp-entries', title: 'Temp dir entries', unit: 'count', metrics: ['tmpEntries'] },
  { resource: 'stepTime', title: 'Step time', unit: 'ms', metrics: ['stepMs'] },
  { resource: 'cpu', title: 'CPU (% of one core)', unit: 'percent', metrics: ['cpu'] },
];

function checksOn(s: ScenarioReport, series: readonly CheckSeries[]): Check[] {
  return s.checks.filter((c) => c.series !== undefined && series.includes(c.series));
}

function hasValue(values: readonly (number | null)[]): boolean {
  return values.some((v) => v !== null && !Number.isNaN(v));
}

/** Contiguous runs of warmup and settle samples, as x ranges reaching to the next sample. */
export function phaseBands(x: readonly number[], phase: readonly Phase[]): ChartSpec['bands'] {
  const bands: ChartSpec['bands'] = [];
  let i = 0;
  while (i < phase.length) {
    const p = phase[i]!;
    let j = i;
    while (j + 1 < phase.length && phase[j + 1] === p) j++;
    if (p !== 'measured') bands.push({ phase: p, from: x[i]!, to: x[Math.min(j + 1, x.length - 1)]! });
    i = j + 1;
  }
  return bands;
}

/** The baseline a check compared against, else the one given (the headline growth's), then each check's limit line. */
function checkLines(checks: Check[], baseline: number | null, unit: ChartUnit): ChartLine[] {
  const lines: ChartLine[] = [];
  const stated = checks.find((c) => c.baselineValue !== undefined)?.baselineValue;
  baseline = stated ?? baseline;
  if (baseline !== null) lines.push({ kind: 'baseline', label: 'baseline', value: baseline });
  for (const c of checks) {
    const level = c.limitLine;
    if (level === undefined) continue;
    const line = limitLineOf(c, level, unit === 'bytes' ? 'B' : '');
    const same = lines.find((l) => l.kind === line.kind && l.value === level);
    if (same) {
      same.pass = same.pass !== false && c.pass;
      continue;
    }
    lines.push({ ...line, value: level, pass: c.pass });
  }
  return lines;
}

function trendLabel(t: TrendResult): string {
  const per = `${t.unit}/${t.per}`;
  return `${t.verdict}: ${formatSigned(t.slope, per)} [${formatValue(t.low, per)}, ${formatValue(t.high, per)}] at ${Math.round(t.confidence * 100)}%`;
}

function buildChart(s: ScenarioReport, spec: ResourceChart, axis: 'iteration' | 'time', index: number | string): ChartSpec | null {
  const cols = axis === 'iteration' ? s.series.boundaries : s.series.timed;
  const x = axis === 'iteration' ? cols.iteration.map((it, i) => it ?? i) : cols.t;
  if (x.length === 0) return null;
  const raw: { label: string; values: (number | null)[] }[] = [];
  for (const m of spec.metrics) {
    const values = cols.values[m];
    if (values && hasValue(values)) raw.push({ label: m, values });
  }
  if (spec.tcp) {
    for (const state of TCP_STATES as readonly TcpState[]) {
      const values = cols.tcp[state];
      if (values && values.some((v) => v > 0)) raw.push({ label: `tcp ${state}`, values });
    }
  }
  if (raw.length === 0) return null;
  const checks = checksOn(s, spec.metrics);
  const baseline = spec.metrics.includes('rss') ? (s.headlines.rssGrowth?.baseline ?? null) : null;

  const trendCheck = checks.find((c) => c.trend && c.trend.samplesUsed.series === (axis === 'iteration' ? 'boundaries' : 'timed') && c.trend.per === (axis === 'iteration' ? 'iteration' : 'hour'));
  // step time is judged in every run without a check: its trend is the headline's
  const stepTime = spec.metrics.includes('stepMs') && axis === 'iteration' && !trendCheck && s.headlines.stepTime
    ? { id: 'stepTime', trend: s.headlines.stepTime.trend } : null;
  const trended = trendCheck ?? stepTime;
  const segment = trended ? trendSegment(trended.trend!) : null;

  const down = minMaxBuckets(x, raw.map((r) => r.values), DISPLAY_BUCKETS);
  const max = maxOf(down.ys);
  return {
    id: `s${index}-${spec.key ?? spec.resource}-${axis}`,
    title: `${spec.title} ${axis === 'iteration' ? 'by iteration' : 'over time'}`,
    resource: spec.resource,
    axis,
    unit: spec.unit,
    x: down.x,
    series: raw.map((r, i) => ({ label: r.label, values: down.ys[i]!.map((v) => (v === null ? null : round(v))) })),
    bands: phaseBands(x, cols.phase),
    lines: checkLines(checks, baseline, spec.unit),
    trend: segment && trended ? { ...segment, label: trendLabel(trended.trend!) } : null,
    max,
    sourcePoints: x.length,
    ...markProp(eventMarks(s, axis)),
  };
}

const markProp = (marks: ChartMark[]) => (marks.length ? { marks } : {});

/**
 * Recycled workers' ends and retried requests, at their time or, by iteration, at the first boundary
 * read at or after it. Only what the report lists: the processes and the first retries it keeps.
 */
export function eventMarks(s: ScenarioReport, axis: 'iteration' | 'time'): ChartMark[] {
  const events = [
    ...(s.processes ?? []).filter((p) => p.end === 'recycled' && p.endedAt !== null).map((p) => ({ t: p.endedAt!, kind: 'recycled' as const, label: `worker ${p.pid} recycled` })),
    ...(s.retries?.list ?? []).map((r) => ({ t: r.t, kind: 'retry' as const, label: `↻ ${r.request} retried (${r.error})` })),
  ];
  if (axis === 'time') return events.map((e) => ({ x: e.t, kind: e.kind, label: e.label }));
  const b = s.series.boundaries;
  const out: ChartMark[] = [];
  for (const e of events) {
    const i = b.t.findIndex((t) => t >= e.t);
    const it = i >= 0 ? b.iteration[i] : null;
    if (it !== null && it !== undefined) out.push({ x: it, kind: e.kind, label: e.label });
  }
  return out;
}

/** A loop, not Math.max(...xs): spreading 600,000 arguments overflows the stack. */
function maxOf(ys: readonly (readonly (number | null)[])[]): number | null {
  let max: number | null = null;
  for (const y of ys) for (const v of y) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

/** Byte counts and percents do not need 17 digits in the page. */
function round(v: number): number {
  return Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 100) / 100;
}

function timeChart(index: number | string, id: string, title: string, resource: ChartSpec['resource'], unit: ChartUnit, t: readonly number[], series: { label: string; values: readonly (number | null)[] }[], lines: ChartLine[]): ChartSpec {
  const down = minMaxBuckets(t, series.map((x) => x.values), DISPLAY_BUCKETS);
  return {
    id: `s${index}-${id}`, title, resource, axis: 'time', unit,
    x: down.x, series: series.map((x, i) => ({ label: x.label, values: down.ys[i]!.map((v) => (v === null ? null : round(v))) })),
    bands: [], lines, trend: null, max: maxOf(down.ys), sourcePoints: t.length,
  };
}

/** A soak's charts: throughput and errors, latency against its budget, and seep's own RSS against its budget. */
function loadCharts(s: ScenarioReport, index: number | string): ChartSpec[] {
  const out: ChartSpec[] = [];
  const load = s.series.load;
  if (load && load.t.length) {
    // rows hold counts per interval; the chart shows them per second
    const interval = load.intervalMs;
    if (interval !== undefined) {
      const perSecond = (xs: number[]) => xs.map((v) => (v * 1000) / interval);
      out.push(timeChart(index, 'throughput-time', 'Throughput and errors over time', 'throughput', 'perSecond', load.t,
        [{ label: 'requests/s', values: perSecond(load.requests) }, { label: 'errors/s', values: perSecond(load.errors) }], []));
    }
    out.push(timeChart(index, 'latency-time', 'Latency over time', 'latency', 'ms', load.t,
      [{ label: 'p50', values: load.latencyP50 }, { label: 'p99', values: load.latencyP99 },
        // the answers of each interval clear of seep's checkpoints (its forced GC and reads)
        ...(load.latencyP99Clean ? [{ label: 'p99 clear of checkpoints', values: load.latencyP99Clean }] : [])],
      checkLines(checksOn(s, ['latencyP99']), null, 'ms')));
  }
  const seep = s.series.seepRss;
  if (seep && seep.t.length) {
    out.push(timeChart(index, 'seep-time', "seep's own RSS", 'seep', 'bytes', seep.t, [{ label: 'seep rss', values: seep.rss }],
      checkLines(checksOn(s, ['seepRss']), null, 'bytes')));
  }
  return out;
}

/** Every chart for one scenario: each sampled resource by iteration and over time, then load and seep. */
export function scenarioCharts(s: ScenarioReport, index: number | string): ChartSpec[] {
  const charts: ChartSpec[] = [];
  for (const spec of RESOURCE_CHARTS) {
    for (const axis of ['iteration', 'time'] as const) {
      const chart = buildChart(s, spec, axis, index);
      if (chart) charts.push(chart);
    }
  }
  return charts.concat(loadCharts(s, index));
}
