// The runtime heap, from an agent's answer to 'memory': what every reader of it (the boundary reads,
// the suspect collector) computes the same way.

export interface HeapFigures {
  /** V8's used heap plus external Buffers (a Buffer leak shows here too); Python's tracemalloc current where it traces */
  used: number | null;
  /** what V8 holds for its heap, used or not: the part of RSS a flat used heap can still grow */
  committed: number | null;
  /** Python's sys.getallocatedblocks(): memory blocks the interpreter holds, without tracemalloc */
  allocatedBlocks: number | null;
}

interface MemoryReply {
  heap?: { used_heap_size: number; total_heap_size: number };
  memoryUsage?: { external: number };
  traced?: number | null;
  allocatedBlocks?: number;
}

export function heapFigures(runtime: 'node' | 'python', reply: unknown): HeapFigures {
  const m = reply as MemoryReply | null;
  if (!m) return { used: null, committed: null, allocatedBlocks: null };
  if (runtime === 'python') return { used: m.traced ?? null, committed: null, allocatedBlocks: m.allocatedBlocks ?? null };
  const external = m.memoryUsage?.external ?? 0;
  return {
    used: m.heap ? m.heap.used_heap_size + external : null,
    committed: m.heap ? m.heap.total_heap_size + external : null,
    allocatedBlocks: null,
  };
}

/**
 * The heap of a process tree: every figure summed over its processes, field by field (whatever
 * fields HeapFigures has), null only where no process gave one.
 */
export function sumHeapFigures(perProcess: readonly HeapFigures[]): HeapFigures {
  const out: Record<string, number | null> = { used: null, committed: null, allocatedBlocks: null };
  for (const figures of perProcess) {
    for (const [field, value] of Object.entries(figures)) {
      if (typeof value === 'number') out[field] = (out[field] ?? 0) + value;
      else if (!(field in out)) out[field] = null;
    }
  }
  return out as unknown as HeapFigures;
}
