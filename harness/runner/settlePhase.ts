// After the measured phase: the settle. The phase becomes 'settle', the target gets the plan's
// settleMs to let go of what its last steps held, then boundary reads until the counted resources are
// back within their budgets of the baseline, polled with bounded backoff as goleak does (sockets in
// FIN_WAIT, a pool closing idle connections); what is there now, by identity, not count (goleak), and
// was not at the baseline is what the run left behind. Sampling on the clock stops here: what comes
// after (suspects' heap snapshots) would read as growth: the parts beside the steps are told the
// settle is over (besideSteps.ts).
import type { Identities } from '../probes/sampler.ts';
import type { Leftover } from '../report/runReportSchema.ts';
import type { Metric, Sample } from '../report/sampleSchema.ts';
import { COUNTED_RESOURCES, type BudgetPlan, type RunPlan } from '../scenario/runPlan.ts';
import type { BesidePart } from './besideSteps.ts';
import type { BoundaryReads } from './boundaryReads.ts';
import { sleep } from './raceStep.ts';
import type { RunPosition } from './runPosition.ts';
import type { Measured } from './stepLoop.ts';

const BACKOFF_MS = [100, 250, 500, 1000, 2000];

const nothingNew = (): Identities => ({ processes: [], sockets: [], fds: [] });

/** What is there after the settle that was not at the baseline. */
export async function settle(plan: Pick<RunPlan, 'settleMs' | 'budgets'>, measured: Measured, o: {
  position: RunPosition;
  reads: BoundaryReads;
  /** the last warmup boundary, as the aggregate kept it */
  baseline(): Sample | null;
  signal: AbortSignal;
  beside: Required<Pick<BesidePart, 'atSettled'>>;
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
  await o.beside.atSettled();
  return newSinceBaseline;
}

/** How far above its baseline a counted resource may settle: its baseline budget's allowance; null waits for none. */
function allowance(budgets: BudgetPlan, metric: (typeof COUNTED_RESOURCES)[number]): number | null {
  const limit = budgets.counts[metric];
  if (limit === undefined) return 0;
  return limit.kind === 'baseline' ? limit.plus : null; // absolute limits do not wait for a baseline
}

/** Reads until the counted resources are back within their budgets of the baseline, or the backoff is spent; how many reads it took. */
async function settleReads(opts: {
  read: () => Promise<Sample>;
  baseline: (metric: Metric) => number | null;
  budgets: BudgetPlan;
  signal: AbortSignal;
}): Promise<number> {
  let reads = 0;
  for (let attempt = 0; ; attempt++) {
    const s = await opts.read();
    reads++;
    const settled = COUNTED_RESOURCES.every((m) => {
      const plus = allowance(opts.budgets, m);
      const base = opts.baseline(m);
      const v = s.values[m];
      return plus === null || base === null || v === null || v <= base + plus;
    });
    if (settled || attempt >= BACKOFF_MS.length || opts.signal.aborted) return reads;
    await sleep(BACKOFF_MS[attempt]!, opts.signal);
  }
}

/** What is there now that was not at the baseline, by identity. */
function identityDiff(before: Identities, after: Identities): Identities {
  const diff = (a: Leftover[], b: Leftover[]) => {
    const seen = new Set(a.map((x) => x.id));
    return b.filter((x) => !seen.has(x.id));
  };
  return {
    processes: diff(before.processes, after.processes),
    sockets: diff(before.sockets, after.sockets),
    fds: diff(before.fds, after.fds),
  };
}
