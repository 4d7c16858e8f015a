// The runner's handle on heap attribution: ask the agent in the target for counts at three points
// (after warmup, after the measured iterations, after the settle), trace what grew, and hand it all
// on as evidence (report/suspectEvidenceSchema.ts). Ranking it is the judge's (analysis/rankSuspects.ts).
// `request` is either an agentClient over the unix socket (services) or the function worker's own
// channel (whose dispatch table carries the agent's ops). Every failure is kept in errors(), never
// dropped: a scenario without suspects must say why.
import { rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProcessRef, TraceReference } from '../report/runReportSchema.ts';
import type { GrowthEvidence, HolderEvidence, SuspectEvidence, WarningRecord } from '../report/suspectEvidenceSchema.ts';
import { formatBytes } from '../scenario/units.ts';
import { growthFromCounts, worthTracing } from './growthEvidence.ts';
import { snapshotHistogram, type HeapHistogram, type HistogramEntry } from '../heap/snapshotHistogram.ts';
import { traceNodeGrowth, wantedTypes } from './nodeGrowthTraces.ts';
import { pythonFollow } from './pythonHolders.ts';
import { heapFigures } from './runtimeHeap.ts';
import { createAttributionBudget, type AttributionBudget } from './attributionBudget.ts';
import { untilAborted } from './untilAborted.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const NODE_AGENT = path.join(here, 'node', 'seepAgent.cjs');
export const PYTHON_AGENT_DIR = path.join(here, 'python');
const PYTHON_WORKER = path.join(here, '..', 'drivers', 'workers', 'pythonWorker.py');
/**
 * growth that gets a retainer path / backref chain: Node's share one graph load; each Python one is
 * a referrer walk. Beyond the three the report names, the paths say which suspects hold the others
 * (the judge's holdersFirst: a FileHandler's four parts ranked above it, an interval's request
 * objects above its Timeout).
 */
const EXPLAIN_TOP = 6;
/** a referrer search's own limit, at most: it found a registry in 2 s on a heap of 5M objects */
const REFERRER_SEARCH_MS = 10_000;
/**
 * what the agent may take past the time it was given, for work it cannot stop in the middle
 * (gc.get_objects() on 5M objects: 0.7 s) and the reply
 */
const AGENT_GRACE_MS = 2000;
/** no request is started with less time than this left: it would only be cut */
const MIN_REQUEST_MS = 500;
/** the agent client's own default wait; also the most any one request is given */
const MAX_REQUEST_MS = 120_000;
/**
 * V8 node types that are the VM's own bookkeeping (feedback vectors, bytecode, maps, backing stores):
 * they grow for a while with every new code path the JIT compiles, in leaky and fixed targets alike.
 */
const VM_NODE_TYPES = new Set(['hidden', 'code', 'array', 'object shape', 'synthetic']);

/**
 * Environment that loads the agent into a target seep starts. Prepend, don't replace: NODE_OPTIONS
 * and PYTHONPATH the user set must be appended after these values by the caller.
 */
export function agentEnv(runtime: 'node' | 'python', socketPath: string): Record<string, string> {
  if (runtime === 'node') return { NODE_OPTIONS: `--require ${JSON.stringify(NODE_AGENT)}`, SEEP_AGENT_SOCKET: socketPath };
  return { PYTHONPATH: PYTHON_AGENT_DIR, PYTHONTRACEMALLOC: '25', SEEP_AGENT_SOCKET: socketPath };
}

export interface SuspectCollectorOptions {
  runtime: 'node' | 'python';
  /** timeoutMs: how long to wait for the reply */
  request: (op: string, params?: object, timeoutMs?: number) => Promise<unknown>;
  /** where snapshots are written; kept ones are reported relative to nothing: full paths */
  workDir: string;
  keepSnapshots: boolean;
  /** total bytes of snapshots kept; past it the newest are deleted and the deletion noted */
  maxSnapshotBytes: number;
  /** time limit of the heap growth analysis of the final snapshot (also bounded by the budget) */
  retainerTimeoutMs?: number;
  /** the time every look shares (none: each request waits up to the agent client's default) */
  budget?: AttributionBudget;
  /**
   * record Python's warnings at the looks (default true); false where the engine counted them at
   * every boundary (runner/warningCountsCollector.ts), which gives their rate per measured step: the
   * agent's one-by-one list of a live target keeps only its last 20
   */
  pythonWarnings?: boolean;
}

export interface SuspectCollector {
  atBaseline(): Promise<void>;
  afterMeasured(): Promise<void>;
  /** no look after the measured steps (no time for it): the look after the settle stands for it too */
  skipMeasured(): void;
  afterSettle(): Promise<void>;
  /** what the looks saw, traced (growth only when all three looks were taken) */
  evidence(steps: number): Promise<SuspectEvidence>;
  heapUsed(): Promise<number | null>;
  /** snapshot files kept (full paths) */
  artifacts(): string[];
  /** delete the snapshots (a passing scenario), whatever keepSnapshots said */
  discardSnapshots(): void;
  errors(): string[];
}

type Point = 0 | 1 | 2;
const POINT_NAMES = ['baseline', 'measured', 'settle'] as const;

interface ResourceSite {
  type: string;
  count: number;
  stack: string[];
}
interface NodeWarning {
  name: string;
  message: string;
  emitter?: string;
  event?: string;
  count?: number;
  stack: string[];
}
/** a warning as the Python agent records it */
export interface PyWarning {
  category: string;
  message: string;
  site: string;
  allocated: string[];
  /** the class of the object the warning is about (its source), when it came with one */
  type?: string;
}
interface PySite {
  site: string;
  line: string;
  sizeDiff: number;
  countDiff: number;
  traceback: string[];
  /** the process it grew in most (a pre-fork tree's) */
  process?: ProcessRef;
}
interface PyResource {
  kind: string;
  detail: string;
  site: string;
  allocated: string[];
}
export function createSuspectCollector(opts: SuspectCollectorOptions): SuspectCollector {
  const errs: string[] = [];
  const snapshots: (string | null)[] = [null, null, null];
  const histograms: (HeapHistogram | null)[] = [null, null, null];
  const handleSites: (Map<string, ResourceSite> | null)[] = [null, null, null];
  const pySites: (Map<string, PySite> | null)[] = [null, null, null];
  const pyTypes: (Map<string, number> | null)[] = [null, null, null];
  const pyResources: (Map<string, { count: number; sample: PyResource }> | null)[] = [null, null, null];
  let nodeWarnings: NodeWarning[] = [];
  let pyWarnings: PyWarning[] = [];
  /** warnings the agent had seen at the baseline: those came in the warmup */
  let warningsAtBaseline = 0;
  let warningsTotal = 0;
  const countWarnings = (r: { warnings: unknown[]; dropped: number }) => r.warnings.length + r.dropped;
  let kept: string[] = [];
  let measuredSkipped = false;

  const budget = opts.budget ?? createAttributionBudget(Infinity);
  /** why the last attempt that returned null did, in words: what a suspect with no location says */
  let lastMiss = '';
  /**
   * One look, given the time left (at most `capMs`) on the budget's clock: skipped when too little is
   * left, and when that time is used up before it answers, reported as cut short rather than as an
   * error. `fn` gets the most it may take on the wall clock (a timeout for what it waits on) and a
   * signal that aborts it once it has used its time.
   */
  const attempt = async <T>(what: string, fn: (wallMs: number, signal: AbortSignal) => Promise<T>, capMs = MAX_REQUEST_MS): Promise<T | null> => {
    const given = Math.min(budget.remainingMs(), capMs);
    if (given < MIN_REQUEST_MS) {
      budget.skip(what);
      lastMiss = `${what} was not started: the time for naming suspects had run out`;
      return null;
    }
    const watch = budget.watch(given);
    const started = Date.now();
    try {
      return await untilAborted(fn(watch.wallMs, watch.signal), watch.signal);
    } catch (err) {
      if (watch.signal.aborted || Date.now() - started >= watch.wallMs - 50) {
        const cut = `${what} cut short at ${watch.took()}`;
        budget.cut(cut);
        lastMiss = `${cut}, its share of the time for naming suspects`;
      } else {
        errs.push(`${what}: ${(err as Error).message}`);
        lastMiss = `${what} failed: ${(err as Error).message}`;
      }
      return null;
    } finally {
      watch.stop();
    }
  };
  const ask = (what: string, op: string, params: object = {}) => attempt(what, (wallMs) => opts.request(op, params, wallMs));
  /** the middle look's histogram, still being read (nodePoint) */
  let parsing: Promise<void> | null = null;

  async function nodePoint(p: Point): Promise<void> {
    await ask('agent gc', 'gc');
    if (p === 0) await ask('agent trackResources', 'trackResources', { enable: true });
    const file = path.join(opts.workDir, `heap-${p}-${POINT_NAMES[p]}.heapsnapshot`);
    const wrote = await ask(`heap snapshot (${POINT_NAMES[p]})`, 'snapshot', { path: file });
    if (wrote) {
      snapshots[p] = file;
      const read = attempt(`heap histogram (${POINT_NAMES[p]})`, () => snapshotHistogram(file)).then((h) => void (histograms[p] = h));
      // the middle look's parse runs while the target settles before the last look (afterSettle
      // waits for it): seep's CPU beside an idle target, not after it. The first look's is waited
      // for here, as the time it took sizes the extra steps (runner/attributionSteps.ts)
      if (p === 1) parsing = read;
      else await read;
    }
    const res = (await ask(`agent activeResources (${POINT_NAMES[p]})`, 'activeResources')) as { sites: ResourceSite[] } | null;
    if (res) handleSites[p] = new Map(res.sites.map((s) => [`${s.type}\n${s.stack.join('\n')}`, s]));
    const w = await warningsAt<NodeWarning>(p);
    if (w) nodeWarnings = w;
  }

  /**
   * The agent's warnings, asked at the baseline (to count what came before) and after the settle
   * (the list to rank); null at the other points, or when the agent did not answer.
   */
  async function warningsAt<W>(p: Point): Promise<W[] | null> {
    if (p === 1) return null;
    const w = (await ask('agent warnings', 'warnings')) as { warnings: W[]; dropped: number } | null;
    if (!w) return null;
    if (p === 0) {
      warningsAtBaseline = countWarnings(w);
      return null;
    }
    warningsTotal = countWarnings(w);
    return w.warnings;
  }

  // tracemalloc is on only when the scenario asked for it (PYTHONTRACEMALLOC): it is costly
  let tracing = false;

  const follow = pythonFollow(ask, (op, params) => opts.request(op, params, budget.wallBoundMs(Math.max(MIN_REQUEST_MS, Math.min(budget.remainingMs(), MAX_REQUEST_MS)))).catch(() => null));

  async function pythonPoint(p: Point): Promise<void> {
    if (p === 0) {
      await follow.atFirstLook();
      const mem = (await ask('agent memory', 'memory')) as { tracing?: boolean } | null;
      tracing = mem?.tracing === true;
      if (tracing) await ask('tracemalloc baseline', 'tracemalloc', { action: 'baseline', workerFile: PYTHON_WORKER });
      pySites[0] = new Map();
    } else if (tracing) {
      const cmp = (await ask(`tracemalloc compare (${POINT_NAMES[p]})`, 'tracemalloc', { action: 'compare', limit: 30, workerFile: PYTHON_WORKER })) as { sites: PySite[] } | null;
      if (cmp) pySites[p] = new Map(cmp.sites.map((s) => [s.site, s]));
    }
    // typeCounts collects, once, after tracemalloc's baseline (whose own bookkeeping would count as
    // growth): the 'gc' op's two collections on top cost 9 s on a heap of 5M objects under load, and
    // openResources need not collect again right after
    // the first look's open resources are read before its counts: the op's own first run in a process
    // (a pre-fork server's worker) leaves objects behind (re's cache of patterns filled once), which the
    // later counts would take for growth
    const or = (await ask(`agent openResources (${POINT_NAMES[p]})`, 'openResources', { gc: p === 0 })) as { resources: PyResource[] } | null;
    const tc = (await ask(`agent typeCounts (${POINT_NAMES[p]})`, 'typeCounts')) as { counts: Record<string, number> } | null;
    if (tc) pyTypes[p] = new Map(Object.entries(tc.counts));
    if (or) {
      const m = new Map<string, { count: number; sample: PyResource }>();
      for (const r of or.resources) {
        const key = `${r.kind} at ${r.site || r.detail}`;
        const e = m.get(key);
        if (e) e.count++;
        else m.set(key, { count: 1, sample: r });
      }
      pyResources[p] = m;
    }
    if (opts.pythonWarnings === false) return;
    const w = await warningsAt<PyWarning>(p);
    if (w) pyWarnings = w;
  }

  const point = (p: Point) => (opts.runtime === 'node' ? nodePoint(p) : pythonPoint(p));
  const all3 = <T>(xs: (T | null)[]): [T, T, T] | null => (xs.every((x) => x !== null) ? (xs as [T, T, T]) : null);

  function nodeGrowth(): GrowthEvidence[] {
    const growth: GrowthEvidence[] = [];
    const h = all3(histograms);
    if (h) {
      const user = (m: Map<string, HistogramEntry>) => new Map([...m].filter(([, e]) => !VM_NODE_TYPES.has(e.type) && e.name !== ''));
      growth.push(
        ...growthFromCounts<HistogramEntry>(
          [user(h[0].entries), user(h[1].entries), user(h[2].entries)],
          (e) => ({ count: e.count, bytes: e.selfSize }),
          (_k, e) => ({ kind: 'constructor', name: e.type === 'closure' ? `${e.name}()` : e.name, nodeType: e.type, where: [] }),
        ),
      );
    }
    const hs = all3(handleSites);
    if (hs) {
      growth.push(
        ...growthFromCounts<ResourceSite>(hs, (s) => ({ count: s.count, bytes: 0 }), (_k, s) => ({
          kind: 'handle', name: `${s.type} created at ${s.stack[0] ?? '(no stack)'}`, where: [...s.stack].reverse(),
        })),
      );
    }
    return growth;
  }

  function pythonGrowth(): GrowthEvidence[] {
    const growth: GrowthEvidence[] = [];
    const sites = all3(pySites);
    if (sites) {
      growth.push(
        ...growthFromCounts<PySite>(sites, (s) => ({ count: s.countDiff, bytes: s.sizeDiff }), (k, s) => ({
          kind: 'allocation-site', name: k, where: s.traceback, ...(s.process ? { process: s.process } : {}),
        })),
      );
    }
    const types = all3(pyTypes);
    if (types) growth.push(...growthFromCounts<number>(types, (n) => ({ count: n, bytes: 0 }), (k) => ({ kind: 'type', name: k, where: [] })));
    const res = all3(pyResources);
    if (res) {
      growth.push(
        ...growthFromCounts(res, (e) => ({ count: e.count, bytes: 0 }), (k, e) => ({ kind: 'handle', name: `open ${k}`, where: e.sample.allocated })),
      );
    }
    return growth;
  }

  function warningRecords(): WarningRecord[] {
    if (opts.runtime === 'node') {
      return nodeWarnings.map((w) => ({
        name: w.name, message: w.message, stack: w.stack,
        ...(w.emitter !== undefined ? { emitter: w.emitter } : {}), ...(w.event !== undefined ? { event: w.event } : {}), ...(w.count !== undefined ? { count: w.count } : {}),
      }));
    }
    return pyWarnings.map((w) => ({ name: w.category, message: w.message, stack: w.allocated, site: w.site, ...(w.type ? { type: w.type } : {}) }));
  }

  /** traces for what grew; the holders it hangs from */
  async function explain(growth: GrowthEvidence[], steps: number): Promise<HolderEvidence[]> {
    if (opts.runtime === 'node') {
      const file = snapshots[2];
      const first = histograms[0];
      if (!file || !first) return [];
      const size = formatBytes(statSync(file, { throwIfNoEntry: false })?.size ?? 0);
      const what = `heap growth and leak traces (snapshot of ${size})`;
      const holders = await attempt(what, (wallMs, signal) => traceNodeGrowth({ file, newerThan: first.maxObjectId, growth, steps }, { timeoutMs: wallMs, signal }), opts.retainerTimeoutMs ?? 60_000);
      if (!holders) for (const { evidence } of wantedTypes(growth, steps)) evidence.noWhere = lastMiss;
      return holders ?? [];
    }
    const top = worthTracing(growth, opts.runtime, steps, EXPLAIN_TOP);
    {
      for (const [i, s] of top.entries()) {
        // an equal share of what is left for each search still to run, the agent's grace kept aside
        const share = (budget.remainingMs() - AGENT_GRACE_MS) / (top.length - i);
        const capMs = Math.min(REFERRER_SEARCH_MS, share) + AGENT_GRACE_MS;
        // the search bounds itself in its own CPU time, as the budget counts it: a busy machine stretches its wall time
        const searchMs = Math.max(Math.min(budget.remainingMs(), capMs) - AGENT_GRACE_MS, 0);
        const r = (await attempt(
          `referrer search for ${s.name}`,
          (wallMs) => opts.request('referrers', { type: s.name, timeoutMs: searchMs, clock: 'cpu', gc: false, grew: Math.min(s.measured.count, s.settle.count) - s.baseline.count }, wallMs),
          capMs,
        )) as { chain: string[]; refs?: TraceReference[]; cutShort?: string; process?: ProcessRef } | null;
        if (r?.cutShort) budget.cut(r.cutShort);
        s.where = r?.chain ?? [];
        if (!r) s.noWhere = lastMiss;
        else if (r.chain.length === 0 && r.cutShort) s.noWhere = r.cutShort;
        if (r?.refs && r.refs.length > 0) s.trace = { references: r.refs, leaking: s.name, ...(r.process ? { process: r.process } : {}) };
      }
    }
    const made = await follow.madeAt();
    for (const g of growth) {
      const at = g.kind === 'type' ? made.get(g.name) : undefined;
      if (at && at.length > 0) g.trace = { ...(g.trace ?? { references: [], leaking: g.name }), madeAt: at };
    }
    return follow.holders(steps);
  }

  function settleFiles(): void {
    const files = snapshots.filter((f): f is string => f !== null);
    if (!opts.keepSnapshots) {
      for (const f of files) rmSync(f, { force: true });
      kept = [];
      return;
    }
    // keep the final snapshot first (it has the retainers), then earlier ones while they fit
    let total = 0;
    kept = [];
    for (const f of [...files].reverse()) {
      const size = statSync(f, { throwIfNoEntry: false })?.size ?? 0;
      if (total + size <= opts.maxSnapshotBytes) {
        total += size;
        kept.push(f);
      } else {
        rmSync(f, { force: true });
        errs.push(`heap snapshot ${path.basename(f)} (${formatBytes(size)}) not kept: with the ${formatBytes(total)} kept it would pass the ${formatBytes(opts.maxSnapshotBytes)} cap on kept snapshots`);
      }
    }
    kept.reverse();
  }

  return {
    atBaseline: () => point(0),
    afterMeasured: () => point(1),
    skipMeasured: () => void (measuredSkipped = true),
    async afterSettle() {
      await parsing;
      await point(2);
      if (!measuredSkipped) return;
      // growth is then read from the baseline to the settle alone: still there after it, by itself
      for (const xs of [histograms, handleSites, pySites, pyTypes, pyResources] as (unknown[])[]) xs[1] = xs[2];
    },
    async evidence(steps) {
      const growth = opts.runtime === 'node' ? nodeGrowth() : pythonGrowth();
      const holders = await explain(growth, steps);
      settleFiles();
      const warnings = warningRecords();
      return { runtime: opts.runtime, steps, growth, holders, warnings, warningsBefore: warnings.length - (warningsTotal - warningsAtBaseline) };
    },
    async heapUsed() {
      return heapFigures(opts.runtime, await attempt('agent memory', () => opts.request('memory'))).used;
    },
    artifacts: () => [...kept],
    discardSnapshots() {
      for (const f of snapshots) if (f) rmSync(f, { force: true });
      kept = [];
    },
    errors: () => [...errs],
  };
}
