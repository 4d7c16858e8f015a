// Step time as a series: the duration of the steps at every boundary (stepMs), judged like memory
// (noisy: a busy machine adds milliseconds at random) by trend and plateau. A step that slows
// steadily is work that grows with what the target kept (a history scanned per request, a cache
// folder listed per call). Every report carries the trend (headlines.stepTime); budget.stepTime
// fails a slope surely above the one written (the low end of its interval). Pure.
import type { Check, Headlines, TrendResult } from '../report/runReportSchema.ts';
import type { BudgetPlan } from '../scenario/runPlan.ts';
import { metricPoints } from '../series/seriesColumns.ts';
import { iterationPoints, notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { analyzeTrend, describeTrend } from './trend.ts';

/** Slower by less than 1 ms per 100 steps is not worth a word, whatever the test says. */
export const STEP_SLOWING_FLOOR_MS = 0.01;

function ms(x: number): string {
  const a = Math.abs(x);
  return `${a >= 100 ? x.toFixed(0) : a >= 1 ? x.toFixed(1) : x.toPrecision(2)} ms`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * The trend of step times (ms), warmup already discarded. Not asked the plateau question (an early
 * rise that then held, trend.ts step 2): step time is wall time, and on a shared machine a load that
 * comes and goes is a rise then a flat or falling stretch, the very shape of a plateau, so a slowing
 * target was called bounded. A step that settles does so in the warmup; after it, only the whole
 * series is judged (leak, too noisy, or bounded when surely flat).
 */
export function judgeStepTimes(y: number[], x?: number[], offset?: number): TrendResult {
  return analyzeTrend(
    { y, ...(x ? { x } : {}), kind: 'memory', per: 'iteration', unit: 'ms', series: 'boundaries', ...(offset !== undefined ? { offset } : {}) },
    { minSlope: STEP_SLOWING_FLOOR_MS, plateau: false },
  );
}

export function stepTimeTrend(obs: Observations): TrendResult | null {
  const p = iterationPoints(obs, 'stepMs');
  if (!p) return null;
  return judgeStepTimes(p.y, p.x, p.offset);
}

/** How long a step took at the start and the end of the measured phase (medians of three boundaries), with the trend. */
export function stepTimeFigures(obs: Observations): Headlines['stepTime'] | null {
  const trend = stepTimeTrend(obs);
  if (!trend || !obs.measured) return null;
  const b = obs.series.boundaries;
  const head = metricPoints(b, 'stepMs', obs.measured.from, obs.measured.to).y;
  if (head.length === 0) return null;
  return { first: median(head.slice(0, 3)), last: median(head.slice(-3)), trend };
}

export function stepTimeHeadline(h: Headlines, obs: Observations): Headlines {
  const figures = stepTimeFigures(obs);
  return figures ? { ...h, stepTime: figures } : h;
}

/** "12.1 ms → 18.4 ms; step time grows 0.13 ms per iteration (...), no plateau: leak" */
export function describeStepTime(f: NonNullable<Headlines['stepTime']>): string {
  return `${ms(f.first)} → ${ms(f.last)}; ${describeTrend('step time', f.trend)}`;
}

export function stepTimeCheck(obs: Observations, limit: NonNullable<BudgetPlan['stepTime']>): Check {
  const f = stepTimeFigures(obs);
  if (!f) return notMeasured('budget.stepTime', 'stepTime', limit, 'ms/step', 'fewer than 3 measured boundaries with a step time');
  const per = (msPerStep: number) => `${ms(msPerStep * limit.steps)} per ${limit.steps === 1 ? 'step' : `${limit.steps} steps`}`;
  // over only when surely over: step time on a busy machine is noisy, and a gate must not flake on it
  const pass = f.trend.low <= limit.value;
  return {
    id: 'budget.stepTime', resource: 'stepTime', kind: 'budget', limit: limit.written, limitValue: limit.value,
    observed: f.trend.slope, unit: 'ms/step', series: 'stepMs', pass, trend: f.trend,
    message: `steps took ${describeStepTime(f)}; ${pass ? 'within the budget' : 'over the budget'}: ${f.trend.slope > 0 ? '+' : ''}${per(f.trend.slope)}${pass && f.trend.slope > limit.value ? ` (not surely: the interval reaches down to ${per(f.trend.low)})` : ''} against ${per(limit.value)}`,
  };
}
