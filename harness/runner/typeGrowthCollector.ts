// Per-type growth as evidence during the measured phase: at every boundary read after a forced GC
// (none at a soak's checkpoint under way that reused the last full GC) the agent in the target says
// what moved since the baseline. Python counts the objects the GC tracks per type (the 'typeGrowth'
// op); Node samples its heap from the baseline on and says the live bytes per allocation site (the
// 'allocationSites' op, V8's sampling heap profiler). Every warmup read takes the baseline again, so
// the last one (the engine's baseline) is the one kept. The reads go to the sample stream as they
// are made (observations/typeGrowthRows.ts); the judging is analysis/typeTrends.ts's.
import type { Sample } from '../report/sampleSchema.ts';
import { phaseCode, type TypeGrowthLine } from '../series/sampleStream.ts';
import type { AgentHandle } from './agentHandle.ts';
import type { BoundaryGc, EvidenceCollector } from './evidenceCollectors.ts';
import { MAX_NODE_HEAP_FOR_SNAPSHOTS } from './suspectSession.ts';

/** the agent sends only what moved: types that changed by more than this many objects... */
const MIN_OBJECTS_CHANGE = 2;
/** ...or sites holding more than this many live sampled bytes (a sample or two is noise; at a wider
 * sampling interval than 1 KiB, two samples of it) */
const MIN_SITE_BYTES = 2048;
/**
 * A soak's Node baseline: at most this many samples a second at the pace the target allocated over
 * the warmup (agents/node/allocationSites.cjs paceInterval). A sample costs the target ~2 us: at the
 * 1 KiB a counted run samples, fixtures/node-service's GET /healthz under autocannon (90-140 MB/s)
 * took 1.9x the CPU a request, half its throughput; at 2000 a second, under 0.5% of a core. A leak of
 * 1 KB/s at that pace (64 KiB) is still ~9 samples in a 10-minute soak, and the heap check sees it.
 */
export const SOAK_SAMPLES_PER_SECOND = 2000;
/** new names per read, most moved first; those already followed are always sent */
const TOP_PER_READ = 20;
/**
 * Names followed at once. A Node service's own bounded allocations (HTTP parsers, headers, timers)
 * take 30 sites over 2 KiB in its first reads (fixtures/node-service, fixed); a name that stayed the
 * same for FLAT_READS reads gives its place to a new one, so a slow leak that crosses the threshold
 * late is still followed. The report keeps up to observations/typeGrowthRows.ts's MAX_NAMES.
 */
const MAX_FOLLOWED = 30;
const FLAT_READS = 5;
const MAX_DROPPED = 1000;
/**
 * A read's time grows with what it counts: Node's with the live samples (node-service leaking
 * 0.8 MB an order: 380 ms a read after 100 orders, 45 MB sampled at 1 KiB), Python's with the
 * objects (80 ms at 1M). Past this, two reads in a row, the boundaries of the next steps are skipped
 * (as many as the read's time over this, at most MAX_SKIP), and the report says so; the settle reads
 * are always taken.
 */
const READ_BUDGET_MS = 50;
const MAX_SKIP = 20;
/**
 * A Node heap this large holds samples for all of it (about one per KiB allocated since the
 * baseline and still alive): node-service at STATE_KB=8192 read 2.7 s with a 672 MB heap. Past it
 * sampling is stopped, as heap snapshots are not taken past it, and the report says so.
 */
const MAX_NODE_HEAP_FOR_SAMPLING = MAX_NODE_HEAP_FOR_SNAPSHOTS;

/**
 * The names a run follows, at most MAX_FOLLOWED at once: of what moved at a read, the values of
 * those followed, and new names while there is room (or one that stayed the same for FLAT_READS
 * reads gives its place). A name given up is taken back only once it moves.
 */
function followedNames() {
  // per followed name: its last value, and for how many reads it has not moved
  const followed = new Map<string, { last: number; flat: number }>();
  // names given up for staying the same, with their value then
  const dropped = new Map<string, number>();

  /** stops following the name that has stayed the same longest, if any has for FLAT_READS reads */
  const dropFlattest = (): boolean => {
    let worst: [string, number] | null = null;
    for (const [name, f] of followed) if (f.flat >= FLAT_READS && (!worst || f.flat > worst[1])) worst = [name, f.flat];
    if (!worst) return false;
    if (dropped.size < MAX_DROPPED) dropped.set(worst[0], followed.get(worst[0])!.last);
    followed.delete(worst[0]);
    return true;
  };

  return {
    clear() {
      followed.clear();
      dropped.clear();
    },
    names: () => [...followed.keys()],
    /** what of `moved` the read's line carries */
    take(moved: Record<string, number>): Record<string, number> {
      const c: Record<string, number> = {};
      for (const [name, n] of Object.entries(moved)) {
        const f = followed.get(name);
        if (f) {
          f.flat = n === f.last ? f.flat + 1 : 0;
          f.last = n;
          c[name] = n;
        }
      }
      for (const [name, n] of Object.entries(moved)) {
        if (followed.has(name) || dropped.get(name) === n) continue;
        if (followed.size >= MAX_FOLLOWED && !dropFlattest()) break;
        dropped.delete(name);
        followed.set(name, { last: n, flat: 0 });
        c[name] = n;
      }
      return c;
    },
  };
}

/** the agent's op for its runtime, timed; a failure is added to `errors` and answers null */
async function askAgent(a: AgentHandle, params: object, errors: Set<string>): Promise<{ result: unknown; ms: number } | null> {
  const op = a.runtime === 'python' ? 'typeGrowth' : 'allocationSites';
  const started = performance.now();
  try {
    const result = await a.request(op, params);
    return { result, ms: performance.now() - started };
  } catch (err) {
    errors.add(`reading per-type growth (agent op '${op}') failed: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Of a Node read's figures by name (`givenBack`: what each gave back since the baseline; `samples`:
 * the live samples behind its bytes), those of the names a line carries that are above 0, or
 * undefined when none is
 */
function carriedFigures(result: unknown, key: 'givenBack' | 'samples', carried: Record<string, number>): Record<string, number> | undefined {
  const all = (result as Partial<Record<typeof key, Record<string, number>>> | null)?.[key] ?? {};
  const g = Object.fromEntries(Object.entries(all).filter(([name, b]) => name in carried && b > 0));
  return Object.keys(g).length > 0 ? g : undefined;
}

/**
 * Why a boundary gets no per-type read, or null when it gets one: none can be made any more (no
 * baseline taken, or done), the target restarted (`a` is not the agent that took the baseline), a
 * Node heap (`heap`, taken as its size) too large to sample, or the last reads were slow (the
 * measured boundaries before `skipUntil` get none). The boundary itself asks with its own heap, the
 * GC's pass before it with the last boundary's (readsSitesAt).
 */
function whyNoRead(
  st: { done: boolean; baselineAgent: AgentHandle | null; skipUntil: number },
  a: AgentHandle, heap: number, phase: Sample['phase'], iteration: number | null,
): 'none' | 'restarted' | 'heap' | 'skipped' | null {
  if (st.done || !st.baselineAgent) return 'none';
  if (a !== st.baselineAgent) return 'restarted';
  if (a.runtime === 'node' && heap > MAX_NODE_HEAP_FOR_SAMPLING) return 'heap';
  return iteration !== null && phase === 'measured' && iteration < st.skipUntil ? 'skipped' : null;
}

/**
 * Two slow reads in a row skip the boundaries of the next steps: one alone is as likely the machine's
 * hiccup (seen on the shared 2-core test machine: a 5 ms Python read took over 50 ms once in a few runs).
 */
function slowReadSkips() {
  // the step before which measured boundaries get no read: counted in steps, not boundaries, since
  // the boundaries may already be spaced (runner/observeCadence.ts)
  let skipUntil = -1;
  let previousMs = 0;
  let slowest = 0;
  return {
    skipUntil: () => skipUntil,
    timed(ms: number, iteration: number): void {
      const slow = Math.min(ms, previousMs);
      previousMs = ms;
      if (slow > READ_BUDGET_MS) {
        skipUntil = iteration + 1 + Math.min(MAX_SKIP, Math.floor(slow / READ_BUDGET_MS));
        slowest = Math.max(slowest, slow);
      }
    },
    /** what the report says of the skipped reads: nothing when none was slow */
    said: (): string[] => (slowest > 0 ? [`per-type growth: a read took up to ${Math.round(slowest)} ms, so the boundaries of the steps after a slow read were skipped (down to one read in ${Math.min(MAX_SKIP, Math.floor(slowest / READ_BUDGET_MS)) + 1} steps)`] : []),
  };
}

/**
 * `agents`: every agent of the tree. The other Python processes (a pre-fork server's workers) take
 * the baseline too, unread here: the suspect collector asks them what grew since, to follow the
 * classes that grew in the workers (agents/pythonHolders.ts).
 */
export function typeGrowthCollector(agent: () => AgentHandle | null, emit: (line: TypeGrowthLine) => void, agents: () => AgentHandle[] = () => [], opts: { samplesPerSecond?: number } = {}): EvidenceCollector {
  const errors = new Set<string>();
  const followed = followedNames();
  // the agent that took the baseline: a restarted service's new one has none, and its counts start over
  let baselineAgent: AgentHandle | null = null;
  // set when no more reads are to be made: the target restarted, or its heap grew too large to read
  let done = false;
  const slow = slowReadSkips();
  // the runtime heap at the last boundary read (Node's sampling stops past MAX_NODE_HEAP_FOR_SAMPLING)
  let lastHeap = 0;
  // a site's bytes worth reading: two samples (Node samples every samplingInterval bytes, the baseline says)
  let minSiteBytes = MIN_SITE_BYTES;

  const ask = (a: AgentHandle, params: object) => askAgent(a, params, errors);

  /** whether this boundary gets no read; a restart or a heap too large ends the reads, and says why */
  const noRead = async (a: AgentHandle, s: Sample): Promise<boolean> => {
    // heapUsed is read before this collector (runtimeHeapCollector is registered first)
    const why = whyNoRead({ done, baselineAgent, skipUntil: slow.skipUntil() }, a, s.values.heapUsed ?? 0, s.phase, s.iteration);
    if (why === 'restarted') {
      done = true;
      errors.add('the target restarted: per-type growth is judged on the reads before the restart');
    }
    if (why === 'heap') {
      done = true;
      await ask(a, { action: 'stop' });
      errors.add(`per-type growth: sampling stopped at iteration ${s.iteration}: the runtime heap holds ${Math.round(s.values.heapUsed! / 1e6)} MB, over the ${MAX_NODE_HEAP_FOR_SAMPLING / 1e6} MB it is read at every boundary for`);
    }
    return why !== null;
  };

  return {
    // a Node read after a forced GC: the GC's first pass is the profile's, taken for this read (a
    // read the GC did not serve runs a full GC of its own, allocationSites.cjs). The heap is the last
    // boundary's: one over the limit found at this boundary wastes the profile of one GC. The line-end
    // tables V8 makes for each script a profile names are made before the baseline by the agent
    // (seepAgent.cjs beforeForcedGc), so the warmup reads none
    readsSitesAt(phase, iteration) {
      const a = agent();
      return a?.runtime === 'node' && phase !== 'warmup' && whyNoRead({ done, baselineAgent, skipUntil: slow.skipUntil() }, a, lastHeap, phase, iteration) === null;
    },
    async atBoundary(s: Sample, gc?: BoundaryGc) {
      const a = agent();
      if (!a || s.iteration === null) return;
      if (!gc?.reused) lastHeap = s.values.heapUsed ?? 0;
      // a soak's checkpoint that forced no GC: Python would count the garbage made since the last
      // full GC, and Node's read runs a full GC of its own (allocationSites.cjs), the pause the
      // checkpoint spared the target
      if (gc?.reused && s.phase === 'measured') return;
      const line = (c: Record<string, number>, ms: number, g?: Record<string, number>, n?: Record<string, number>): TypeGrowthLine => ({ k: 'types', t: s.t, i: s.iteration!, p: phaseCode(s.phase), r: a.runtime, c, ms, ...(g ? { g } : {}), ...(n ? { n } : {}) });
      if (s.phase === 'warmup') {
        const got = await ask(a, a.runtime === 'node' && opts.samplesPerSecond ? { action: 'baseline', samplesPerSecond: opts.samplesPerSecond } : { action: 'baseline' });
        if (!got) return;
        const interval = (got.result as { samplingInterval?: number } | null)?.samplingInterval;
        minSiteBytes = Math.max(MIN_SITE_BYTES, 2 * (typeof interval === 'number' ? interval : 0));
        await Promise.all(agents().filter((w) => w !== a && w.runtime === 'python').map((w) => w.request('typeGrowth', { action: 'baseline' }).catch(() => null)));
        baselineAgent = a;
        followed.clear();
        emit(line({}, got.ms));
        return;
      }
      if (await noRead(a, s)) return;
      const got = await ask(a, a.runtime === 'python'
        ? { action: 'read', minChange: MIN_OBJECTS_CHANGE, limit: TOP_PER_READ, track: followed.names() }
        : { action: 'read', minBytes: minSiteBytes, limit: TOP_PER_READ, track: followed.names() });
      if (!got) return;
      const moved = (a.runtime === 'python' ? (got.result as { changes: Record<string, number> }).changes : (got.result as { sites: Record<string, number> }).sites) ?? {};
      const carried = followed.take(moved);
      emit(line(carried, got.ms, carriedFigures(got.result, 'givenBack', carried), carriedFigures(got.result, 'samples', carried)));
      slow.timed(got.ms, s.iteration);
    },
    afterRun: async () => ({ errors: [...slow.said(), ...errors].slice(0, 5) }),
  };
}
