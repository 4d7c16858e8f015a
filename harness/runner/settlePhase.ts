// After the measured phase: the settle. The phase becomes 'settle', the target gets the plan's
// settleMs to let go of what its last steps held, then boundary reads until the counted resources are
// back within their budgets of the baseline (settle.ts); what is there now, by identity, and was not
// at the baseline is what the run left behind. Sampling on the clock stops here: what comes after
// (suspects' heap snapshots) would read as growth.
import type { Identities } from '../probes/sampler.ts';
import type { Sample } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { BoundaryReads } from './boundaryReads.ts';
import { identityDiff } from './identityDiff.ts';
import { sleep } from './raceStep.ts';
import type { RunPosition } from './runPosition.ts';
import { settleReads } from './settle.ts';
import type { Measured } from './stepLoop.ts';

const nothingNew = (): Identities => ({ processes: [], sockets: [], fds: [] });

/** What is there after the settle that was not at the baseline. */
export async function settle(plan: Pick<RunPlan, 'settleMs' | 'budgets'>, measured: Measured, o: {
  position: RunPosition;
  reads: BoundaryReads;
  /** the last warmup boundary, as the aggregate kept it */
  baseline(): Sample | null;
  signal: AbortSignal;
}): Promise<Identities> {
  if (!measured.ended) return nothingNew();
  o.position.phase = 'settle';
  let newSinceBaseline = nothingNew();
  if (measured.baselineIds) {
    if (!o.signal.aborted) await sleep(plan.settleMs, o.signal);
    const base = o.baseline();
    await settleReads({
      read: async () => (await o.reads.checkpoint('settle')) ?? (await o.reads.read('settle')),
      baseline: (m) => base?.values[m] ?? null,
      budgets: plan.budgets,
      signal: o.signal,
    });
    newSinceBaseline = identityDiff(measured.baselineIds, await o.reads.identities());
  }
  await o.reads.stopTimer();
  return newSinceBaseline;
}
