import { describe, expect, it } from 'vitest';
import { heapFigures, sumHeapFigures } from './runtimeHeap.ts';
import { handleTypeDiff } from '../runner/handleTypeDiff.ts';

const pyReply = { traced: null, tracing: false, blocks: 48_000, gcObjects: 15_000, mallocInUse: 3_500_000, handles: { socket: 2, file: 4, eventLoop: 0 } };

describe('heapFigures', () => {
  it('takes malloc in use for the Python heap when tracemalloc is off, and tracemalloc when it traces', () => {
    expect(heapFigures('python', pyReply)).toEqual({
      used: 3_500_000, committed: null, young: null, blocks: 48_000, gcObjects: 15_000, mallocInUse: 3_500_000, traced: null,
      handlesByType: { socket: 2, file: 4 }, handles: 6,
    });
    expect(heapFigures('python', { ...pyReply, traced: 9_000_000, tracing: true }).used).toBe(9_000_000);
    // off glibc: no malloc figure, the blocks still judged
    expect(heapFigures('python', { ...pyReply, mallocInUse: null })).toMatchObject({ used: null, blocks: 48_000 });
    // an agent from before these figures
    expect(heapFigures('python', { traced: null, tracing: false })).toMatchObject({ used: null, blocks: null, handles: null });
  });

  it("reads V8's heap plus external Buffers and the active handles of a Node agent", () => {
    const reply = { memoryUsage: { external: 1000 }, heap: { used_heap_size: 5000, total_heap_size: 9000 }, handles: { Timeout: 50, TCPSocketWrap: 1 } };
    expect(heapFigures('node', reply)).toMatchObject({ used: 6000, committed: 10_000, blocks: null, handlesByType: { Timeout: 50, TCPSocketWrap: 1 }, handles: 51 });
  });

  it('leaves compiled code out of the Node heap judged, and keeps it in what V8 holds', () => {
    const reply = { memoryUsage: { external: 1000 }, heap: { used_heap_size: 5000, total_heap_size: 9000, code_used_size: 1200 }, handles: {} };
    expect(heapFigures('node', reply)).toMatchObject({ used: 4800, committed: 10_000 });
  });

  it("reads what V8 commits for its young generation, none for Python", () => {
    const reply = { memoryUsage: { external: 1000 }, heap: { used_heap_size: 5000, total_heap_size: 33_009_000, young_committed_size: 32_000_000 }, handles: {} };
    expect(heapFigures('node', reply)).toMatchObject({ used: 6000, committed: 33_010_000, young: 32_000_000 });
    expect(heapFigures('python', pyReply).young).toBeNull();
  });

  it('judges the heap as the forced GC left it where the agent kept it, and the handles as they are', () => {
    // a JSON API under load: 400 KB allocated for the requests in flight between the GC and the read
    const node = { memoryUsage: { external: 1000 }, heap: { used_heap_size: 405_000, total_heap_size: 900_000 }, handles: { Timeout: 2 },
      afterGc: { memoryUsage: { external: 1000 }, heap: { used_heap_size: 5000, total_heap_size: 800_000 } } };
    expect(heapFigures('node', node)).toMatchObject({ used: 6000, committed: 801_000, handles: 2 });
    const py = { ...pyReply, afterGc: { traced: null, blocks: 47_000, mallocInUse: 3_000_000 } };
    expect(heapFigures('python', py)).toMatchObject({ used: 3_000_000, blocks: 47_000, gcObjects: 15_000, handles: 6 });
  });

  it('gives nulls for no reply, and every figure a number or null so processes add field by field', () => {
    for (const r of [null, undefined, 'oops', 42]) expect(Object.values(heapFigures('node', r)).every((v) => v === null)).toBe(true);
    const f = heapFigures('python', pyReply);
    for (const [k, v] of Object.entries(f)) if (k !== 'handlesByType') expect(v === null || typeof v === 'number', k).toBe(true);
  });
});

describe('handleTypeDiff', () => {
  it('names the types with more open than at the baseline, most first', () => {
    expect(handleTypeDiff({ Timeout: 2, PipeWrap: 1, TCPSocketWrap: 3 }, { Timeout: 52, TCPSocketWrap: 4, FSReqCallback: 1 })).toEqual([
      { kind: 'handle', id: 'Timeout', detail: '+50' },
      { kind: 'handle', id: 'FSReqCallback', detail: '+1' },
      { kind: 'handle', id: 'TCPSocketWrap', detail: '+1' },
    ]);
    expect(handleTypeDiff({ socket: 3 }, { socket: 3 })).toEqual([]);
  });
});

describe('sumHeapFigures: the heap of a process tree', () => {
  it('sums every field over the processes, handles per type, null only where no process gave one', () => {
    const master = heapFigures('node', { heap: { used_heap_size: 5e6, total_heap_size: 8e6 }, memoryUsage: { external: 1e5 }, handles: { Timeout: 1 } });
    const worker = heapFigures('node', { heap: { used_heap_size: 6e6, total_heap_size: 9e6 }, memoryUsage: { external: 2e5 }, handles: { Timeout: 2, TCPSocketWrap: 1 } });
    expect(sumHeapFigures([master, worker])).toMatchObject({ used: 11.3e6, committed: 17.3e6, blocks: null, handles: 4, handlesByType: { Timeout: 3, TCPSocketWrap: 1 } });
    const py = (mallocInUse: number, blocks: number) => heapFigures('python', { ...pyReply, mallocInUse, blocks });
    expect(sumHeapFigures([py(1000, 100), py(2000, 50)])).toMatchObject({ used: 3000, blocks: 150, committed: null, handles: 12 });
    // the inputs are left as they were
    expect(worker.handlesByType).toEqual({ Timeout: 2, TCPSocketWrap: 1 });
  });

  it('is all null for no process at all', () => {
    expect(Object.values(sumHeapFigures([])).every((v) => v === null)).toBe(true);
  });
});
