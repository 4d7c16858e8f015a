// Step time as a series: the duration of the steps at every boundary (stepMs), judged like memory
// (noisy: a busy machine adds milliseconds at random) by trend and plateau. A step that slows
// steadily is work that grows with what the target kept (a history scanned per request, a cache
// folder listed per call). Every report carries the trend (headlines.stepTime); budget.stepTime
// fails a slope surely above the one written (the low end of its interval). A busy machine slows
// steps too, and a load that grows over a run is a rise no test of wall time can tell from a leak:
// the CPU the steps cost the target (stepCpuMs) must grow with them. Pure.
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

/** The level a rise of the steps' CPU must reach to take it as the cause of their slowing (see below). */
export const CPU_RISE_ALPHA = 0.01;
/** ...and the share of the wall time's relative growth it must reach. */
export const CPU_GROWTH_SHARE = 0.5;

/** How much a fitted line grows over its span, against the series' typical value. */
function relativeGrowth(t: TrendResult, y: number[]): number {
  const level = median(y);
  return level > 0 ? (t.slope * (t.endX - t.interceptX)) / level : Infinity;
}

/**
 * A wall-time rise with the CPU the steps cost the target flat was waited for, not worked: a busy
 * machine (a CPU hog beside a CLI's Python start-ups made its steps 1.7-3.5 s against 0.7-0.9 s of
 * CPU, and a load that grew over the run called the fixed twin a leak). A step that does more
 * work costs more CPU in proportion (the leaky history: wall 89 -> 709 ms, CPU 20 -> 220 ms per
 * step, beside two hogs). So the wall's rise stands when the CPU rose too (Mann-Kendall p <
 * CPU_RISE_ALPHA) by at least CPU_GROWTH_SHARE of the wall's growth, relative to each one's
 * median; load inflates CPU a little (cache, a hog on a sibling thread), nothing like its wall.
 * What this cannot see: a step slowed by a growing wait that costs no CPU (a lock, a sleep)
 * looks like load; where the CPU was not measured at all (every step 0 ms: the work was not in
 * the target's processes), the wall time is judged alone.
 */
export function cpuExplainsRise(wall: TrendResult, wallY: number[], cpuY: number[], cpuX?: number[]): { explained: boolean; cpu: TrendResult } | null {
  if (cpuY.every((v) => v === 0)) return null;
  const cpu = judgeStepTimes(cpuY, cpuX);
  if (cpu.verdict === 'inconclusive' && cpu.pValue === undefined) return null; // too few points
  const rose = (cpu.pValue ?? 1) < CPU_RISE_ALPHA && cpu.slope >= STEP_SLOWING_FLOOR_MS;
  return { explained: rose && relativeGrowth(cpu, cpuY) >= CPU_GROWTH_SHARE * relativeGrowth(wall, wallY), cpu };
}

function perStep(t: TrendResult): string {
  return `${t.slope > 0 ? '+' : ''}${ms(t.slope)}/iteration`;
}

/** The trend of the steps' wall time, and whether a rise in it was the machine's load (the CPU did not follow). */
export function stepTimeJudgement(obs: Observations): { trend: TrendResult; byLoad: boolean } | null {
  const p = iterationPoints(obs, 'stepMs');
  if (!p) return null;
  const wall = judgeStepTimes(p.y, p.x, p.offset);
  const c = iterationPoints(obs, 'stepCpuMs');
  const rises = wall.verdict === 'leak' || wall.low > STEP_SLOWING_FLOOR_MS;
  const check = rises && c ? cpuExplainsRise(wall, p.y, c.y, c.x) : null;
  if (!check || check.explained) return { trend: wall, byLoad: false };
  const cpu = check.cpu;
  return {
    trend: {
      ...wall,
      verdict: wall.verdict === 'leak' ? 'inconclusive' : wall.verdict,
      reason: `a busy machine: the steps' wall time rose (${wall.reason}) but not the CPU they cost the target (${ms(median(c!.y))} a step, ${perStep(cpu)}, Mann–Kendall p=${(cpu.pValue ?? 1).toPrecision(2)}); they waited for a CPU and did no more work`,
    },
    byLoad: true,
  };
}

export function stepTimeTrend(obs: Observations): TrendResult | null {
  return stepTimeJudgement(obs)?.trend ?? null;
}

/** How long a step took at the start and the end of the measured phase (medians of three boundaries), with the trend. */
export function stepTimeFigures(obs: Observations): Headlines['stepTime'] | null {
  return stepTimeWithLoad(obs)?.figures ?? null;
}

function stepTimeWithLoad(obs: Observations): { figures: NonNullable<Headlines['stepTime']>; byLoad: boolean } | null {
  const j = stepTimeJudgement(obs);
  if (!j || !obs.measured) return null;
  const { trend, byLoad } = j;
  const b = obs.series.boundaries;
  const head = metricPoints(b, 'stepMs', obs.measured.from, obs.measured.to).y;
  if (head.length === 0) return null;
  return { figures: { first: median(head.slice(0, 3)), last: median(head.slice(-3)), trend }, byLoad };
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
  const j = stepTimeWithLoad(obs);
  if (!j) return notMeasured('budget.stepTime', 'stepTime', limit, 'ms/step', 'fewer than 3 measured boundaries with a step time');
  const f = j.figures;
  const per = (msPerStep: number) => `${ms(msPerStep * limit.steps)} per ${limit.steps === 1 ? 'step' : `${limit.steps} steps`}`;
  // over only when surely over, and by the steps' own work: step time on a busy machine is noisy,
  // and a gate must not flake on it
  const pass = f.trend.low <= limit.value || j.byLoad;
  return {
    id: 'budget.stepTime', resource: 'stepTime', kind: 'budget', limit: limit.written, limitValue: limit.value,
    observed: f.trend.slope, unit: 'ms/step', series: 'stepMs', pass, trend: f.trend,
    message: `steps took ${describeStepTime(f)}; ${pass ? 'within the budget' : 'over the budget'}: ${f.trend.slope > 0 ? '+' : ''}${per(f.trend.slope)}${pass && f.trend.low > limit.value ? ' (the machine\'s load: the CPU a step cost did not grow with it)' : pass && f.trend.slope > limit.value ? ` (not surely: the interval reaches down to ${per(f.trend.low)})` : ''} against ${per(limit.value)}`,
  };
}
