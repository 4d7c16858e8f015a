// The heap after a full GC the target ran on its own: seen through the 'gc' PerformanceObserver in a
// real Node process that fills its old generation, as a busy server does.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const module = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fullGcHeap.cjs');

// keeps up to 400k small objects alive, then drops them, until V8 runs a full GC of its own
const script = `
const w = require(${JSON.stringify(module)}).watchFullGcs();
let keep = [];
let rounds = 0;
const t = setInterval(() => {
  for (let j = 0; j < 20000; j++) keep.push({ a: j, b: 'x' + j });
  if (keep.length > 400000) keep = [];
  const last = w.last();
  if ((last && !last.forced) || ++rounds > 2000) {
    clearInterval(t);
    const forced = (w.record(true), w.last());
    console.log(JSON.stringify({ natural: last, forced, rounds }));
  }
}, 1);
`;

describe('the heap after a full GC', () => {
  it("records the target's own full GC with the old generation it left, and one seep forced", () => {
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    interface Last { figures: { heap: { used_heap_size: number; total_heap_size: number; young_committed_size: number }; memoryUsage: { external: number } }; forced: boolean; ageMs: number }
    const { natural, forced } = JSON.parse(r.stdout) as Record<string, Last | null>;
    expect(natural).not.toBeNull();
    expect(natural!.forced).toBe(false);
    expect(natural!.figures.heap.used_heap_size).toBeGreaterThan(0);
    expect(natural!.figures.heap.total_heap_size).toBeGreaterThanOrEqual(natural!.figures.heap.used_heap_size);
    // the young generation's semispaces, committed beside the old generation the figures count
    expect(natural!.figures.heap.young_committed_size).toBeGreaterThan(0);
    expect(natural!.figures.memoryUsage.external).toBeGreaterThanOrEqual(0);
    expect(natural!.ageMs).toBeGreaterThanOrEqual(0);
    expect(forced).toMatchObject({ forced: true });
    expect(forced!.figures.heap.used_heap_size).toBeGreaterThan(0);
    // one shape, whoever ran the GC: the agent's 'memory' reply reads both alike (runtimeHeap.ts)
    expect(Object.keys(forced!.figures.heap).sort()).toEqual(Object.keys(natural!.figures.heap).sort());
  });
  it("does not take the heap profiler's full GC, run inside a span seep marked, for the target's own", () => {
    const r = spawnSync(process.execPath, ['-e', profilerScript], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const { marked, unmarked } = JSON.parse(r.stdout) as Record<string, { forced: boolean } | null>;
    expect(marked).toBeNull();
    // the same read outside a span: the observer sees a full GC not flagged as forced
    expect(unmarked).toMatchObject({ forced: false });
  });
});

// V8's heap profiler runs a full GC before each profile it gives (the inspector's kSamplingForceGC)
const profilerScript = `
const inspector = require('node:inspector');
const w = require(${JSON.stringify(module)}).watchFullGcs();
const s = new inspector.Session();
s.connect();
const post = (m, p) => new Promise((res, rej) => s.post(m, p, (e, r) => (e ? rej(e) : res(r))));
const delivered = () => new Promise((res) => setTimeout(res, 100));
(async () => {
  await post('HeapProfiler.enable', {});
  await post('HeapProfiler.startSampling', { samplingInterval: 1024 });
  const from = performance.now();
  await post('HeapProfiler.getSamplingProfile', {});
  w.seepSpan(from);
  await delivered();
  const marked = w.last();
  await post('HeapProfiler.getSamplingProfile', {});
  await delivered();
  console.log(JSON.stringify({ marked, unmarked: w.last() }));
  s.disconnect();
})();
`;
