/* eslint-disable @typescript-eslint/no-require-imports -- plain CJS: loaded by seepAgent.cjs into any Node target */
// The heap as the last full (mark-sweep-compact) GC left it, the target's own or one seep forced.
// A forced GC costs a busy Node server more than its pause: V8 drops optimized code whose embedded
// objects died, and the server runs slower until it is optimized again (about 0.8 s of throughput
// per forced GC, fixtures/bench/loadOverhead.bench.ts). A soak's checkpoint under load reads the heap
// after the target's own last full GC instead, when there was one lately (the engine says how
// lately: runner/boundaryReads.ts, fullGcReuseMs).
//
// V8 runs a full GC when its old generation reaches its limit, and reports it to a 'gc'
// PerformanceObserver: the heap is read in the observer's callback, shortly after. A full GC
// evacuates the young generation, which refills by the time the callback runs under load, so the
// figure is the old generation's spaces only (everything but new space): what a full GC left alive,
// read the same way after one seep forced, in the same call as its GC (after a forced full GC the
// young generation is empty: the figures are the whole heap's then). Given in the shape of the agent's
// 'memory' reply (heap, memoryUsage.external), so that a checkpoint that forced its GC and one that
// reused the target's own yield one shape (runtimeHeap.ts reads both alike).
'use strict';
const v8 = require('node:v8');
const { PerformanceObserver, constants, performance } = require('node:perf_hooks');

const YOUNG = new Set(['new_space', 'new_large_object_space']);
const CODE = new Set(['code_space', 'code_large_object_space']);

/**
 * the bytes V8 commits for its young generation's semispaces, in a list of V8's spaces: committed
 * whole when V8 grows them, resident only as allocation first reaches their pages
 */
function youngCommitted(spaces) {
  const s = spaces.find((x) => x.space_name === 'new_space');
  return s ? s.space_size : 0;
}

/** the used bytes of the spaces given to compiled code, in a list of V8's spaces */
function codeUsed(spaces) {
  let code = 0;
  for (const s of spaces) if (CODE.has(s.space_name)) code += s.space_used_size;
  return code;
}

/**
 * the heap a full GC left: used and committed bytes outside the young generation (code_used_size: of
 * them, compiled code; young_committed_size: the young generation's, beside them), and external
 * memory but the agent's own (`ownExternal`)
 */
function settledHeap(ownExternal) {
  let used = 0;
  let committed = 0;
  const spaces = v8.getHeapSpaceStatistics();
  for (const s of spaces) {
    if (YOUNG.has(s.space_name)) continue;
    used += s.space_used_size;
    committed += s.space_size;
  }
  const heap = { used_heap_size: used, total_heap_size: committed, code_used_size: codeUsed(spaces), young_committed_size: youngCommitted(spaces) };
  return { heap, memoryUsage: { external: process.memoryUsage().external - ownExternal() } };
}

/**
 * v8.getHeapStatistics() with code_used_size (of its used bytes, those of compiled code) and
 * young_committed_size (of its committed bytes, the young generation's)
 */
function heapWithCode() {
  const spaces = v8.getHeapSpaceStatistics();
  return { ...v8.getHeapStatistics(), code_used_size: codeUsed(spaces), young_committed_size: youngCommitted(spaces) };
}

/** seep's own calls that run a full GC V8 does not flag as forced: the last few, [from, to] in performance.now() */
const MAX_SEEP_SPANS = 8;

/** what the young generation holds before a scavenge: its capacity now */
function youngCapacity() {
  const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
  return s ? s.space_used_size + s.space_available_size : 0;
}

/** ownExternal: the bytes of external memory the agent itself holds, left out of the figures */
function watchFullGcs(ownExternal = () => 0) {
  /** { at: performance.now() when read, forced, figures: settledHeap() } */
  let last = null;
  const seepSpans = [];
  // bytes allocated in the young generation, about: a scavenge each time it fills (its capacity read
  // as the observer hears of them, so a young generation that grew is counted at its new size)
  let youngFilled = 0;
  // a full GC empties the young generation uncounted: the count never goes back
  let allocatedSoFar = 0;
  const record = (forced) => {
    last = { at: performance.now(), forced, figures: settledHeap(ownExternal) };
  };
  const bySeep = (startTime) => seepSpans.some(([from, to]) => startTime >= from && startTime <= to);
  try {
    const observer = new PerformanceObserver((list) => {
      const minors = list.getEntries().filter((e) => (e.detail || {}).kind === constants.NODE_PERFORMANCE_GC_MINOR).length;
      if (minors > 0) youngFilled += minors * youngCapacity();
      for (const e of list.getEntries()) {
        const detail = e.detail || {};
        // seep's own: gc() is flagged forced and recorded as it ends, in collect(); the heap
        // profiler's is not flagged, and ran inside a span seep marked (seepSpan)
        if (detail.kind === constants.NODE_PERFORMANCE_GC_MAJOR && !(detail.flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) && !bySeep(e.startTime)) {
          record(false);
          break;
        }
      }
    });
    observer.observe({ entryTypes: ['gc'] });
  } catch {
    // no gc entries in this Node: every checkpoint forces its GC, as before
  }
  return {
    record,
    /**
     * seep ran a call from `from` (performance.now()) to now that may run full GCs V8 does not flag
     * as forced (the heap profiler's before each profile it gives, allocationSites.cjs): those are
     * not the target's own, and a checkpoint must not take one for it
     */
    seepSpan(from) {
      seepSpans.push([from, performance.now()]);
      if (seepSpans.length > MAX_SEEP_SPANS) seepSpans.shift();
    },
    /** bytes allocated so far, about: the young generation's fills, and what it holds now (allocationSites.cjs's pace) */
    allocated() {
      const young = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space');
      allocatedSoFar = Math.max(allocatedSoFar, youngFilled + (young ? young.space_used_size : 0));
      return allocatedSoFar;
    },
    /** ms since the last full GC ended (as read), null when none was seen */
    ageMs: () => (last ? performance.now() - last.at : null),
    /** the heap it left (figures), with its age and whether seep forced it */
    last: () => (last ? { figures: last.figures, forced: last.forced, ageMs: performance.now() - last.at } : null),
  };
}

module.exports = { watchFullGcs, heapWithCode };
