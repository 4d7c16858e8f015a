// The figures two runs are compared on, read from one run's checks and series: the slope of each
// memory and count series with its interval, and what each counted resource left over after the
// settle. A check's own trend is taken where the run judged one (so the comparison shows the number
// the run's page shows); where a budget replaced that check, the same trend is computed from the
// stored series, over the same points (the last warmup boundary and the measured ones).
import type { Metric } from '../report/sampleSchema.ts';
import type { Check, Resource, RegressionKey, ScenarioSeries, TrendResult } from '../report/runReportSchema.ts';
import type { RunFigure } from '../report/comparisonSchema.ts';
import { COUNTED } from './countedResources.ts';
import { BLOCK_CREEP, boundaryPoints, hourlyPoints } from './memoryChecks.ts';
import { analyzeTrend, defaultFloor } from './trend.ts';


/** What a run is read from: a stored scenario report, or the judge's checks so far and its series. */
export interface JudgedRun {
  checks: Check[];
  series: ScenarioSeries;
}

interface SlopeSpec {
  key: RegressionKey;
  resource: Resource;
  series: Metric;
  kind: 'memory' | 'count';
  unit: string;
  /** the smallest slope worth a verdict of leak, and the tolerance's floor; else trend.ts's default for the kind */
  floor?: number;
}

/** Disk sizes are exact; a difference under 64 bytes a step is a log line's length, not a change. */
const DISK_COMPARE_FLOOR = 64;

const SLOPES: SlopeSpec[] = [
  { key: 'rss', resource: 'rss', series: 'rss', kind: 'memory', unit: 'B' },
  { key: 'heap', resource: 'heap', series: 'heapUsed', kind: 'memory', unit: 'B' },
  { key: 'heapBlocks', resource: 'heap', series: 'heapBlocks', kind: 'memory', unit: 'blocks' },
  ...COUNTED.map((c): SlopeSpec => ({ key: c.resource, resource: c.resource, series: c.metric, kind: 'count', unit: c.unit })),
  { key: 'disk', resource: 'disk', series: 'diskBytes', kind: 'count', unit: 'B', floor: DISK_COMPARE_FLOOR },
  { key: 'tmpBytes', resource: 'disk', series: 'tmpBytes', kind: 'count', unit: 'B', floor: DISK_COMPARE_FLOOR },
  { key: 'tmpEntries', resource: 'disk', series: 'tmpEntries', kind: 'count', unit: 'entries' },
];
// Step time is not compared: it moves with the machine's load, which two runs do not share.

/** A soak judges RSS per hour: its RSS check's trend says so. */
function rssPer(run: JudgedRun): 'iteration' | 'hour' {
  return run.checks.some((c) => c.series === 'rss' && c.trend?.per === 'hour') ? 'hour' : 'iteration';
}

function trendFromSeries(run: JudgedRun, spec: SlopeSpec, per: 'iteration' | 'hour'): TrendResult | null {
  const b = run.series.boundaries;
  const baseline = b.phase.lastIndexOf('warmup');
  const to = b.phase.lastIndexOf('measured');
  const p = per === 'hour' ? hourlyPoints(run.series.timed, spec.series) : b.values[spec.series] && baseline >= 0 && to >= 0 ? boundaryPoints(b, spec.series, baseline, to) : null;
  if (!p) return null;
  return analyzeTrend({ y: p.y, x: p.x, kind: spec.kind, per, unit: spec.unit, series: per === 'hour' ? 'timed' : 'boundaries', offset: p.offset }, spec.floor === undefined ? {} : { minSlope: spec.floor });
}

function floorFor(spec: SlopeSpec, per: 'iteration' | 'hour'): number {
  return spec.key === 'heapBlocks' ? BLOCK_CREEP : spec.floor ?? defaultFloor(spec.kind, per);
}

function slopeFigure(run: JudgedRun, spec: SlopeSpec): RunFigure | null {
  const per = spec.key === 'rss' ? rssPer(run) : 'iteration';
  const judged = run.checks.find((c) => c.series === spec.series && c.trend && c.trend.per === per && c.trend.unit === spec.unit)?.trend;
  const trend = judged ?? trendFromSeries(run, spec, per);
  if (!trend) return null;
  return {
    key: spec.key, resource: spec.resource, series: spec.series, kind: 'slope', unit: spec.unit, per,
    value: trend.slope, low: trend.low, high: trend.high, confidence: trend.confidence, verdict: trend.verdict,
    source: judged ? 'check' : 'series', floor: floorFor(spec, per),
  };
}

/** What a counted resource left over after the settle, from its back-to-baseline check. */
function leftOverFigure(run: JudgedRun, c: (typeof COUNTED)[number]): RunFigure | null {
  const check = run.checks.find((k) => (k.id === `leak.${c.resource}` || k.id === `budget.${c.resource}`) && k.baselineValue !== undefined && k.measured !== false);
  if (!check) return null;
  const left = check.observed - check.baselineValue!;
  return {
    key: `${c.resource}LeftOver`, resource: c.resource, series: c.metric, kind: 'leftOver', unit: c.unit,
    value: left, low: left, high: left, confidence: 1, verdict: check.pass ? 'pass' : 'fail', source: 'check',
    // counts are exact: one more left over is worse
    floor: 0.5,
  };
}

export function runFigures(run: JudgedRun): RunFigure[] {
  const out: (RunFigure | null)[] = SLOPES.map((s) => slopeFigure(run, s));
  out.push(...COUNTED.map((c) => leftOverFigure(run, c)));
  return out.filter((f): f is RunFigure => f !== null);
}
