import { describe, expect, it } from 'vitest';
import { heapFigures, sumHeapFigures, type HeapFigures } from './runtimeHeap.ts';

describe('sumHeapFigures: the heap of a process tree', () => {
  it('sums every field over the processes, field by field', () => {
    const master = heapFigures('node', { heap: { used_heap_size: 5e6, total_heap_size: 8e6 }, memoryUsage: { external: 1e5 } });
    const worker = heapFigures('node', { heap: { used_heap_size: 6e6, total_heap_size: 9e6 }, memoryUsage: { external: 2e5 } });
    expect(sumHeapFigures([master, worker])).toEqual({ used: 11.3e6, committed: 17.3e6, allocatedBlocks: null });
  });

  it('keeps a field null only when no process gave it, and sums fields it does not know by name', () => {
    const py = (traced: number | null, blocks: number) => heapFigures('python', { traced, allocatedBlocks: blocks });
    expect(sumHeapFigures([py(null, 100), py(null, 50)])).toEqual({ used: null, committed: null, allocatedBlocks: 150 });
    expect(sumHeapFigures([py(null, 1), py(2000, 1)]).used).toBe(2000);
    const withMore: HeapFigures[] = [Object.assign(py(10, 1), { handles: 3 }), Object.assign(py(20, 2), { handles: 4 })];
    expect(sumHeapFigures(withMore)).toMatchObject({ used: 30, allocatedBlocks: 3, handles: 7 });
  });

  it('is all null for no process at all', () => {
    expect(sumHeapFigures([])).toEqual({ used: null, committed: null, allocatedBlocks: null });
  });
});
