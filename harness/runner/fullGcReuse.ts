// How long a soak's checkpoint under way may take the heap as the target's own last full GC left it,
// rather than force a GC. A forced GC stalls the target, and a Node server pays more after it than
// the pause (its optimized code deoptimized: about 0.8 s of throughput on 2 busy cores, the load bench);
// at a checkpoint every 2 s that was a quarter of its throughput. A busy target runs full GCs of its
// own as its old generation fills, and faster the more it leaks, so their heap figures follow a leak.
// When it ran none that recently, the checkpoint forces one: a quiet target's heap is still read
// at least once a minute, and at every checkpoint of a soak whose checkpoints are further apart.
// The baseline, the end of the measured phase and the settle always force theirs: the judge weighs
// the measured phase from one to the other on heaps taken alike. A counted run forces at every boundary.
import type { RunPlan } from '../scenario/runPlan.ts';

/** a forced GC at least this often in a soak's checkpoints */
export const FORCED_GC_AT_LEAST_EVERY_MS = 60_000;

/** a checkpoint under way: the age of the target's own last full GC it takes instead of forcing one */
export function fullGcReuseMs(plan: Pick<RunPlan, 'checkpointMs'>): number {
  return Math.max(plan.checkpointMs, FORCED_GC_AT_LEAST_EVERY_MS);
}
