// The noise of the runtime heap after GC, as measured on real targets: the parameters the eval's
// synthetic heap series are drawn from. Measured by `node harness/build/tsnode.mjs
// harness/eval/measureHeapNoise.ts` (60 measured iterations per fixture, residuals around the
// verdict's own fitted line, 2026-12-01, 2-core shared machine, Node 20, CPython 3.11):
//
// Node, V8 used heap + external after a forced GC, through seep's function worker (25 warmup steps),
// fixed twins of fixtures/agent-targets/jobs.mjs, fixtures/corpus/{sessionStore,orderEvents,pollers}.mjs,
// two runs each:
//   robust sd (1.4826·MAD)  10.5 / 0.6, 1.1 / 2.9, 1.8 / 9.1, 0.5 / 2.6 KB
//   lag-1 autocorrelation   −0.37 / −0.97, −0.03 / −0.15, −0.04 / −0.55, −0.05 / −0.18
//   late collections        residuals past 8 sd and 16 KB, all upwards: 0, 8, 23 and 9 of 62 in the
//                           second run (up to 37%), median 138–211 KB, largest 324 KB
//
// Python, glibc mallinfo2() uordblks + hblkhd after gc.collect() (the malloc half of the Python heap
// the ev-heap branch reads; fixtures/heap-noise/python_heap_series.py, 3 warmup calls), fixed twins of
// fixtures/crew/crew.py, fixtures/corpus/{request_log,job_observers}.py:
//   robust sd   0, 190, 0 B;  lag-1 autocorrelation 0, 0.89, 0
//   sys.getallocatedblocks(): sd 0–0.35 blocks, but +2 blocks per call in all three fixed twins
//   (a slope that is not a leak in bytes: a block count alone cannot gate on 16 KiB)
//
// The models below cover those ranges with margin: each synthetic series draws its parameters.

export interface HeapNoiseModel {
  /** robust sd of the residuals, bytes: drawn uniformly in [lo, hi] */
  sd: [number, number];
  /** AR(1) coefficient, drawn uniformly in [lo, hi] */
  phi: [number, number];
  /** share of samples a late collection lifts, one of these */
  outlierRates: number[];
  /** how far it lifts them, bytes, drawn uniformly in [lo, hi] */
  outlierSize: [number, number];
  /** the level the series sits at, bytes */
  base: number;
  /** readings are whole bytes (V8) or malloc chunks of 16 (glibc on 64-bit) */
  quantum: number;
}

export const HEAP_NOISE: Record<'node' | 'python', HeapNoiseModel> = {
  node: { sd: [0.5e3, 12e3], phi: [-0.9, 0], outlierRates: [0, 0.15, 0.4], outlierSize: [130e3, 330e3], base: 5.2e6, quantum: 1 },
  python: { sd: [0, 400], phi: [0, 0.9], outlierRates: [0], outlierSize: [0, 0], base: 1.7e6, quantum: 16 },
};
