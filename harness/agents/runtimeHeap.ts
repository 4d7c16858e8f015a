// The runtime heap and the handles, from an agent's answer to 'memory': what every reader of it (the
// boundary reads, the suspect collector) computes the same way. Pure, and every figure a number or
// null (handles a count per type), so the figures of several processes (the workers of a service)
// add up field by field.

export interface HeapFigures {
  /**
   * The heap judged in bytes: V8's used heap plus external Buffers (a Buffer leak shows here too);
   * Python's tracemalloc current where it traces, else malloc's bytes in use (large objects and
   * buffers; pymalloc's small objects live in arenas it mmaps itself, counted in `blocks`).
   */
  used: number | null;
  /** what V8 holds for its heap, used or not: the part of RSS a flat used heap can still grow */
  committed: number | null;
  /**
   * Node: what V8 commits for its young generation's semispaces (inside `committed` after a forced
   * GC; beside it in a reused full GC's figures, which leave the young generation out). V8 commits
   * it whole when it grows it, and its pages become resident only as allocation first reaches them.
   */
  young: number | null;
  /** Python: pymalloc's allocated blocks (sys.getallocatedblocks), the small objects tracemalloc-free */
  blocks: number | null;
  /** Python: gc-tracked objects; reported, not judged (each is also a block or a malloc chunk) */
  gcObjects: number | null;
  /** Python: glibc's bytes in use (mallinfo2 uordblks + hblkhd), where glibc has it */
  mallocInUse: number | null;
  /** Python: tracemalloc's current total, where it traces */
  traced: number | null;
  /** what the agent sees open, by type (Node: getActiveResourcesInfo; Python: socket, file, eventLoop, subprocess) */
  handlesByType: Record<string, number> | null;
  /** their sum */
  handles: number | null;
}

interface HeapReply {
  /** code_used_size: of the used bytes, compiled code's (agents before it: none said) */
  heap?: { used_heap_size: number; total_heap_size: number; code_used_size?: number; young_committed_size?: number };
  memoryUsage?: { external: number };
  traced?: number | null;
  blocks?: number | null;
  mallocInUse?: number | null;
}

interface MemoryReply extends HeapReply {
  gcObjects?: number | null;
  handles?: Record<string, number> | null;
  /**
   * asked with `afterGc` (a soak's boundary read): the heap as the last full GC left it, one the
   * engine forced (read in the same call as the GC, before the requests in flight allocated again) or
   * the target's own that the checkpoint reused (runner/boundaryReads.ts, fullGcReuseMs); one shape for both
   */
  afterGc?: HeapReply;
}

const NONE: HeapFigures = { used: null, committed: null, young: null, blocks: null, gcObjects: null, mallocInUse: null, traced: null, handlesByType: null, handles: null };

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function handleCounts(h: unknown): Record<string, number> | null {
  if (!h || typeof h !== 'object') return null;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(h)) if (typeof v === 'number' && v > 0) out[k] = v;
  return out;
}

export function heapFigures(runtime: 'node' | 'python', reply: unknown): HeapFigures {
  const r = reply as MemoryReply | null;
  if (!r || typeof r !== 'object') return NONE;
  // the heap after the GC where the agent kept it; the handles as they are now
  const m: MemoryReply = r.afterGc && typeof r.afterGc === 'object' ? { ...r, ...r.afterGc } : r;
  const handlesByType = handleCounts(m.handles);
  const handles = handlesByType ? Object.values(handlesByType).reduce((a, b) => a + b, 0) : null;
  if (runtime === 'python') {
    const traced = num(m.traced);
    const mallocInUse = num(m.mallocInUse);
    // Tracing, tracemalloc's total is the whole Python heap, small objects included. Not tracing (the
    // default: it costs 15-45x), malloc's bytes in use are the bytes, and the blocks the small objects.
    return { ...NONE, used: traced ?? mallocInUse, blocks: num(m.blocks), gcObjects: num(m.gcObjects), mallocInUse, traced, handlesByType, handles };
  }
  const external = m.memoryUsage?.external ?? 0;
  // Compiled code is left out of the heap judged: V8 compiles a service's functions to baseline
  // code (Sparkplug) as their calls reach its budgets, over the first requests, long after the
  // warmup on a busy machine (the lazy pool of fixtures/real-setups/node/pool.mjs beside hogs: code
  // space +183 KB over its first 45 requests, in steps at the 16th, 25th, 32nd, 36th and 42nd;
  // with --no-sparkplug, none). It is the program's code, bounded by it, not data it keeps; code
  // made per request (new Function, vm) also leaves its source and function objects in old space.
  const code = m.heap?.code_used_size ?? 0;
  return {
    ...NONE,
    used: m.heap ? m.heap.used_heap_size - code + external : null,
    committed: m.heap ? m.heap.total_heap_size + external : null,
    young: m.heap?.young_committed_size ?? null,
    handlesByType,
    handles,
  };
}

/**
 * The heap of a process tree: every figure summed over its processes, field by field (whatever
 * fields HeapFigures has; handlesByType per type), null only where no process gave one.
 */
export function sumHeapFigures(perProcess: readonly HeapFigures[]): HeapFigures {
  const out: Record<string, unknown> = { ...NONE };
  for (const figures of perProcess) {
    for (const [field, value] of Object.entries(figures)) {
      if (typeof value === 'number') out[field] = ((out[field] as number | null) ?? 0) + value;
      else if (value && typeof value === 'object') {
        const sum = (out[field] ?? {}) as Record<string, number>;
        for (const [k, v] of Object.entries(value as Record<string, number>)) sum[k] = (sum[k] ?? 0) + v;
        out[field] = sum;
      } else if (!(field in out)) out[field] = null;
    }
  }
  return out as unknown as HeapFigures;
}
