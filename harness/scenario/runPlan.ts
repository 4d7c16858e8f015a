// The run plan: a validated scenario, normalised once at the edge. Budgets are numbers with units,
// the target is a discriminated union, how the measured phase ends is a step count or a time, and
// every default lives here. Nothing downstream reads a budget string or a default of its own.
import path from 'node:path';
import type { BaselineRun } from '../report/runReportSchema.ts';
import type { RunFigure } from '../report/comparisonSchema.ts';
import type { KnownLeaksPlan } from '../report/knownLeaksSchema.ts';
import type { AlertSpec, Budgets, HookContext, LoadSpec, PrometheusEvidence, ReadyCheck, Scenario, StepContext } from './types.ts';
import { metricOfQuery, presetQueries, type SeriesQueries } from './prometheusQueries.ts';
import { parseCountLimit, parseDuration, parseRate, parseSize, parseSizeRate, parseStepTimeRate, type CountLimit } from './units.ts';
import { formatElapsed } from './elapsed.ts';

export const DEFAULTS = {
  iterations: 50,
  warmup: 3,
  stepTimeoutMs: 30_000,
  settleMs: 1000,
  /** counted runs sample at 4 Hz; a soak at 1 Hz (a week at 4 Hz is 2.4 million lines for nothing) */
  sampleHz: { counted: 4, soak: 1 },
  /** steps run between the agent's first and second look, after the measured ones */
  attributionSteps: 20,
  /** seep's own RSS in a soak: a flat seep sits near 100 MB (soakPipeline bench) */
  seepRss: '300MB',
  liveEveryMs: 3 * 60_000,
} as const;

/** A budget as written and as a number in its unit. */
export interface Limit<U extends 'B' | 'B/h' | 'ms' | 'ms/step'> {
  written: string;
  value: number;
  unit: U;
}

export type CountBudget = CountLimit & { written: string };

export const COUNTED_RESOURCES = ['fds', 'sockets', 'threads', 'children', 'handles'] as const;
export type CountedResource = (typeof COUNTED_RESOURCES)[number];

export interface BudgetPlan {
  rssGrowth?: Limit<'B'>;
  rssPerIteration?: Limit<'B'>;
  rssSlope?: Limit<'B/h'>;
  peakRss?: Limit<'B'>;
  /** the target's memory cgroup limit (scenario `memoryLimit`): an OOM kill under it fails budget.memoryLimit */
  memoryLimit?: Limit<'B'>;
  heapGrowth?: Limit<'B'>;
  counts: Partial<Record<CountedResource, CountBudget>>;
  orphans?: number;
  forbid: (string | RegExp)[];
  /** lines not counted as a known leak warning */
  allow: (string | RegExp)[];
  /** path relative to the project root -> max size */
  files: { path: string; limit: Limit<'B'> }[];
  latencyP99?: Limit<'ms'>;
  /** disk: growth over the measured phase (replaces leak.disk), and the files not judged (globs as written) */
  disk: { growth?: Limit<'B'>; allow: string[] };
  /** how much slower a step may get: ms per step, and the step count as written ('5ms/100 steps': 100) */
  stepTime?: Limit<'ms/step'> & { steps: number };
  /** seep's own RSS: a soak always has this budget (default 300 MB), a counted run when written */
  seepRss: Limit<'B'> & { fromDefault: boolean };
  /** steps that may throw in a soak; 0 unless written */
  stepErrors: { max: number; written: boolean };
  /** `seep run --baseline`: the stored run's figures for this scenario (null: it has no such scenario), judged by analysis/regressionChecks.ts */
  regression?: RegressionBaseline;
  /** the known-leaks file (`seep run` reads it unless --no-known-leaks), judged by analysis/knownLeaks.ts */
  knownLeaks?: KnownLeaksPlan;
}

export interface RegressionBaseline {
  run: BaselineRun;
  figures: RunFigure[] | null;
  /** the share of a baseline figure the run may exceed it by (before the floor), e.g. 0.1 */
  tolerance: number;
}

export interface AlertLevel {
  level: 'warning' | 'critical';
  limit: Limit<'B'>;
}

/** Where an attached service's pid comes from, with the field (or flag) that named it, for errors. */
export type AttachSource = { pid: number; field: string } | { pidFile: string; field: string };

export type TargetPlan =
  | { kind: 'service'; command: string[]; ready: ReadyCheck; env: Record<string, string>; cwd?: string; restart: boolean }
  /** a service seep did not start: url null (--attach on a scenario that starts its service) is the port the process listens on */
  | { kind: 'attached'; attach: AttachSource; url: string | null; ready?: Exclude<ReadyCheck, { stdout: string | RegExp }> }
  | { kind: 'module'; path: string; runtime: 'python' | 'node'; env: Record<string, string> }
  /** a deployed service seep neither starts nor sees: driven at url, observed through Prometheus (RunPlan.evidence) */
  | { kind: 'remote'; url: string; ready?: Exclude<ReadyCheck, { stdout: string | RegExp }> }
  /** the process that started seep (a test runner's plugin), serving the step and the agent's ops on the socket at `fd` */
  | { kind: 'caller'; fd: number; runtime: 'python' | 'node'; command: string[] }
  | { kind: 'cli' };

/** `evidence.prometheus`, planned: the queries its preset or the user wrote, the step and the limit as numbers. */
export interface PrometheusPlan {
  url: string;
  queries: SeriesQueries;
  /** null: the default for the run's length (defaultStepMs) */
  stepMs: number | null;
  limit?: { written: string; value: number; from: string };
}

export interface LoadPlan {
  requests: LoadSpec['requests'];
  connections?: number;
  /** the statuses counted as successes (numbers and classes such as '2xx'); default 2xx and 3xx */
  ok?: LoadSpec['ok'];
  phases: { ms: number; rate?: number; connections?: number }[];
  totalMs: number;
}

export interface RunPlan {
  name: string;
  /** the scenario file, relative to the project root */
  file: string;
  target: TargetPlan;
  /** where a deployed service's evidence comes from */
  evidence?: { prometheus: PrometheusPlan };
  env: Record<string, string>;
  /** a counted run ends after its steps; a soak after its time */
  measure: { steps: number } | { ms: number };
  warmup: { steps: number } | { ms: number };
  /** 'rate': a step starts every `ms`; 'interval': `ms` pause after each step; 'none': back to back */
  pace: { kind: 'rate' | 'interval' | 'none'; ms: number };
  sampleHz: number;
  /** soaks: a boundary read this often (counted runs read one after every step) */
  checkpointMs: number;
  settleMs: number;
  stepTimeoutMs: number;
  attributionSteps: number;
  liveEveryMs: number;
  budgets: BudgetPlan;
  alerts: AlertLevel[];
  abortOnFail: boolean;
  /** after a passing counted run, plant a leak of the size it could have caught and confirm it is caught */
  calibrate: boolean;
  load?: LoadPlan;
  step: (ctx: StepContext) => unknown;
  setup?: (ctx: HookContext) => unknown;
  teardown?: (ctx: HookContext) => unknown;
}

/** What the command line may change of every scenario. */
export interface PlanOverrides {
  /** --iterations: a counted run of this many steps, whatever the scenario says */
  iterations?: number;
  /** --warmup: this many warmup steps */
  warmup?: number;
  /** --duration: a soak of this long, whatever the scenario says */
  duration?: string;
  liveEveryMs?: number;
  /** --calibrate: every scenario calibrates, whatever it says */
  calibrate?: boolean;
  /** --attach: every (service) scenario attaches to this pid instead of starting or attaching its own */
  attach?: number;
  /** `seep caller`: the target is the process that started seep (its test, whose body is the step) */
  caller?: { fd: number; runtime: 'python' | 'node'; command: string[] };
}

const size = (written: string): Limit<'B'> => ({ written, value: parseSize(written), unit: 'B' });
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function planBudgets(b: Budgets = {}, memoryLimit?: string): BudgetPlan {
  const counts: BudgetPlan['counts'] = {};
  for (const r of COUNTED_RESOURCES) {
    const written = b[r];
    if (written !== undefined) counts[r] = { ...parseCountLimit(written), written: String(written) };
  }
  const plan: BudgetPlan = {
    counts,
    forbid: b.output?.forbid ?? [],
    allow: b.output?.allow ?? [],
    files: Object.entries(b.files ?? {}).map(([p, written]) => ({ path: p, limit: size(written) })),
    disk: planDisk(b.disk),
    seepRss: { ...size(b.seepRss ?? DEFAULTS.seepRss), fromDefault: b.seepRss === undefined },
    stepErrors: { max: b.stepErrors ?? 0, written: b.stepErrors !== undefined },
  };
  if (b.rssGrowth) plan.rssGrowth = size(b.rssGrowth);
  if (b.rssPerIteration) plan.rssPerIteration = size(b.rssPerIteration);
  if (b.rssSlope) {
    const r = parseSizeRate(b.rssSlope);
    plan.rssSlope = { written: b.rssSlope, value: (r.bytes * 3_600_000) / r.perMs, unit: 'B/h' };
  }
  if (b.peakRss) plan.peakRss = size(b.peakRss);
  if (memoryLimit) plan.memoryLimit = size(memoryLimit);
  if (b.heapGrowth) plan.heapGrowth = size(b.heapGrowth);
  if (b.orphans !== undefined) plan.orphans = b.orphans;
  if (b.stepTime) {
    const r = parseStepTimeRate(b.stepTime);
    plan.stepTime = { written: b.stepTime, value: r.msPerStep, unit: 'ms/step', steps: r.steps };
  }
  if (b.latencyP99) plan.latencyP99 = { written: b.latencyP99, value: parseDuration(b.latencyP99), unit: 'ms' };
  return plan;
}

function planDisk(d: Budgets['disk']): BudgetPlan['disk'] {
  const spec = typeof d === 'string' ? { growth: d } : (d ?? {});
  const out: BudgetPlan['disk'] = { allow: spec.allow ?? [] };
  if (spec.growth !== undefined) out.growth = size(spec.growth);
  return out;
}

export function planAlerts(spec: AlertSpec | undefined): AlertLevel[] {
  return (['warning', 'critical'] as const)
    .filter((level) => spec?.rss?.[level] !== undefined)
    .map((level) => ({ level, limit: size(spec!.rss![level]!) }));
}

export function planLoad(spec: LoadSpec): LoadPlan {
  const phases = spec.phases.map((p) => ({ ms: parseDuration(p.duration), rate: p.rate, connections: p.connections }));
  const plan: LoadPlan = { requests: spec.requests, phases, totalMs: phases.reduce((sum, p) => sum + p.ms, 0) };
  if (spec.connections !== undefined) plan.connections = spec.connections;
  if (spec.ok !== undefined) plan.ok = spec.ok;
  return plan;
}

export function planPrometheus(p: PrometheusEvidence): PrometheusPlan {
  const queries: SeriesQueries = p.query !== undefined ? { query: p.query, metric: metricOfQuery(p.query) } : presetQueries(p.metric ?? 'rss', p.selector);
  if (p.limitQuery !== undefined) queries.limit = p.limitQuery;
  const plan: PrometheusPlan = { url: p.url, queries, stepMs: p.step === undefined ? null : parseDuration(p.step) };
  if (p.limit !== undefined) {
    const value = /^\d+$/.test(p.limit) ? Number(p.limit) : parseSize(p.limit);
    plan.limit = { written: p.limit, value, from: 'evidence.prometheus.limit' };
  }
  return plan;
}

const noStdout = (r: ReadyCheck | undefined) => (r && !('stdout' in r) ? r : undefined);

function planTarget(s: Scenario, o: PlanOverrides): TargetPlan {
  if (o.caller) {
    if (s.service || s.module) throw new Error(`seep caller: the target is the process that started seep; this scenario drives a ${s.service ? 'service' : 'module'}`);
    return { kind: 'caller', ...o.caller };
  }
  if (o.attach !== undefined) {
    if (s.evidence) throw new Error(`--attach ${o.attach}: this scenario drives a deployed service seen through Prometheus (evidence.prometheus), not a process on this machine`);
    if (!s.service) throw new Error(`--attach ${o.attach}: only a service scenario can attach to a running process, and this one drives a ${s.module ? 'module' : 'CLI'}`);
    if (s.memoryLimit !== undefined) throw new Error(`--attach ${o.attach}: an attached service runs in the cgroup it was started in, and this scenario sets memoryLimit`);
    const attach = { pid: o.attach, field: '--attach' };
    const t: TargetPlan = { kind: 'attached', attach, url: 'attach' in s.service ? s.service.url : null };
    const ready = noStdout(s.service.ready);
    if (ready) t.ready = ready;
    return t;
  }
  if (s.service && !('attach' in s.service) && !('command' in s.service)) {
    const t: TargetPlan = { kind: 'remote', url: s.service.url };
    if (s.service.ready) t.ready = s.service.ready;
    return t;
  }
  if (s.service && 'attach' in s.service) {
    const a = s.service.attach;
    const attach = 'pid' in a ? { pid: a.pid, field: 'service.attach.pid' } : { pidFile: a.pidFile, field: 'service.attach.pidFile' };
    const t: TargetPlan = { kind: 'attached', attach, url: s.service.url };
    if (s.service.ready) t.ready = s.service.ready;
    return t;
  }
  if (s.service) {
    const t: TargetPlan = { kind: 'service', command: s.service.command, ready: s.service.ready, env: s.service.env ?? {}, restart: s.service.restart ?? false };
    if (s.service.cwd !== undefined) t.cwd = s.service.cwd;
    return t;
  }
  if (s.module) return { kind: 'module', path: s.module.path, runtime: path.extname(s.module.path) === '.py' ? 'python' : 'node', env: s.module.env ?? {} };
  return { kind: 'cli' };
}

/**
 * The load a run sends, with its soak's length: a soak sends its scenario's load; a counted run
 * (--iterations on a scenario with load) sends none.
 */
export function soakLoadOf(plan: Pick<RunPlan, 'load' | 'measure'>): { spec: LoadPlan; soakMs: number } | null {
  return plan.load && 'ms' in plan.measure ? { spec: plan.load, soakMs: plan.measure.ms } : null;
}

/** A scenario is a soak when it has a duration (scenario or command line) or sends load, unless --iterations asks for a count. */
function measureOf(s: Scenario, o: PlanOverrides, load: LoadPlan | undefined): RunPlan['measure'] {
  if (o.duration !== undefined) return { ms: parseDuration(o.duration) };
  if (o.iterations !== undefined) return { steps: o.iterations };
  if (s.duration !== undefined) return { ms: parseDuration(s.duration) };
  if (load) return { ms: load.totalMs };
  return { steps: s.iterations ?? DEFAULTS.iterations };
}

/** The plan of a validated scenario; throws UnitError only for what validation let through (never, in practice). */
export function planRun(s: Scenario, file: string, o: PlanOverrides = {}): RunPlan {
  const load = s.load ? planLoad(s.load) : undefined;
  const measure = measureOf(s, o, load);
  const soak = 'ms' in measure;
  if (soak && !(measure.ms > 0)) throw new Error('a soak needs a duration: `duration` in the scenario, --duration, or load phases');
  if (soak && load && load.totalMs > measure.ms) {
    throw new Error(`load.phases: the phases last ${formatElapsed(load.totalMs)}, longer than the soak's ${formatElapsed(measure.ms)} (${o.duration !== undefined ? '--duration' : 'duration'}): the load would be cut short; shorten the phases or lengthen the soak`);
  }
  let warmup: RunPlan['warmup'];
  if (o.warmup !== undefined) warmup = { steps: o.warmup };
  else if (typeof s.warmup === 'number') warmup = { steps: s.warmup };
  else if (typeof s.warmup === 'string') warmup = soak ? { ms: parseDuration(s.warmup) } : { steps: DEFAULTS.warmup };
  // Allocators and caches settle in the first minutes: 5% of a soak, at most 30 minutes, by default.
  else warmup = soak ? { ms: Math.min(0.05 * measure.ms, 30 * 60_000) } : { steps: DEFAULTS.warmup };
  let pace: RunPlan['pace'];
  if (s.rate !== undefined) pace = { kind: 'rate', ms: 1000 / parseRate(s.rate) };
  else if (s.interval !== undefined) pace = { kind: 'interval', ms: parseDuration(s.interval) };
  // Under load, the steps are a side channel (a health probe, a check): once a second is plenty.
  else if (load) pace = { kind: 'rate', ms: 1000 };
  else pace = { kind: 'none', ms: 0 };
  const plan: RunPlan = {
    name: s.name,
    file,
    target: planTarget(s, o),
    env: s.env ?? {},
    measure,
    warmup,
    pace,
    sampleHz: s.sampleHz ?? (soak ? DEFAULTS.sampleHz.soak : DEFAULTS.sampleHz.counted),
    // ~300 boundary reads over a soak, never more than one every 2 s (a read scans /proc for the cookie)
    checkpointMs: soak ? clamp(measure.ms / 300, 2000, 5 * 60_000) : 0,
    settleMs: s.settleMs ?? DEFAULTS.settleMs,
    stepTimeoutMs: s.stepTimeoutMs ?? DEFAULTS.stepTimeoutMs,
    attributionSteps: DEFAULTS.attributionSteps,
    liveEveryMs: o.liveEveryMs ?? DEFAULTS.liveEveryMs,
    budgets: planBudgets(s.budgets, s.memoryLimit),
    alerts: planAlerts(s.alerts),
    abortOnFail: s.abortOnFail ?? false,
    calibrate: o.calibrate ?? s.calibrate ?? false,
    step: s.step,
  };
  if (load) plan.load = load;
  if (s.evidence) plan.evidence = { prometheus: planPrometheus(s.evidence.prometheus) };
  if (s.setup) plan.setup = s.setup;
  if (s.teardown) plan.teardown = s.teardown;
  return plan;
}
