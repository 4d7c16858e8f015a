// How long a soak's checkpoint under way may take the heap as the target's own last full GC left it,
// rather than force a GC. A forced GC stalls the target, and a Node server pays more after it than
// the pause (its optimized code deoptimized: about 0.8 s of throughput on 2 busy cores, the load bench);
// at a checkpoint every 2 s that was a quarter of its throughput. A busy target runs full GCs of its
// own as its old generation fills, and faster the more it leaks; between them a checkpoint repeats
// the heap the last one left. So that the judge still has a fresh heap often enough, a GC is forced
// at least every twentieth of the measured phase, and at least once a minute, counted on the GCs seep
// forced, whatever the target's own did (forcedGcClock). Only those checkpoints read the heap per
// type or allocation site: Python's counts would take the garbage made since the last full GC for
// live objects, and Node's read runs a full GC of its own (V8's heap profiler, allocationSites.cjs).
// A soak too short for that to spare a checkpoint forces at every one, as does a soak whose
// checkpoints are a minute or more apart (where a forced GC costs the target little). The baseline,
// the end of the measured phase and the settle always force theirs: the judge weighs the measured
// phase from one to the other on heaps taken alike. A counted run forces at every boundary.
import type { RunPlan } from '../scenario/runPlan.ts';

/** a forced GC at least this often in a soak's checkpoints */
export const FORCED_GC_AT_LEAST_EVERY_MS = 60_000;
/** and at least this many in its measured phase */
export const FORCED_GCS_AT_LEAST = 20;

/**
 * a soak's checkpoint under way: the age of the target's own last full GC it takes instead of
 * forcing one; undefined: force at every checkpoint
 */
export function fullGcReuseMs(plan: Pick<RunPlan, 'checkpointMs' | 'measure'>): number | undefined {
  if (!('ms' in plan.measure)) return undefined;
  const every = Math.min(FORCED_GC_AT_LEAST_EVERY_MS, plan.measure.ms / FORCED_GCS_AT_LEAST);
  return every > plan.checkpointMs ? every : undefined;
}

/**
 * A soak's forced GCs, at least every reuseWithinMs: a checkpoint may reuse the last full GC only
 * while the next checkpoint, as far from it as it is from the last, would still come within
 * reuseWithinMs of the last one that forced its GC. The first forces.
 */
export function forcedGcClock() {
  let lastAt: number | null = null;
  let lastForcedAt: number | null = null;
  return {
    /** what a checkpoint starting at `at` may ask the agents: reuseWithinMs, or undefined to force */
    reuseAt(at: number, reuseWithinMs: number | undefined): number | undefined {
      const gap = lastAt === null ? Infinity : at - lastAt;
      lastAt = at;
      if (reuseWithinMs === undefined || lastForcedAt === null) return undefined;
      return at - lastForcedAt + gap <= reuseWithinMs ? reuseWithinMs : undefined;
    },
    /** the checkpoint that started at `at` forced its GC */
    forced(at: number): void {
      lastForcedAt = at;
    },
  };
}
