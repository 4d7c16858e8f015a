// After the last iteration, counted resources get a few chances to return to their baseline
// (sockets in FIN_WAIT, a pool closing idle connections), polled with bounded backoff as goleak
// does, before the checks judge the last read.
import type { Metric, Sample } from '../report/sampleSchema.ts';
import { COUNTED_RESOURCES, type BudgetPlan } from '../scenario/runPlan.ts';
import { sleep } from './raceStep.ts';

const BACKOFF_MS = [100, 250, 500, 1000, 2000];

function allowance(budgets: BudgetPlan, metric: (typeof COUNTED_RESOURCES)[number]): number | null {
  const limit = budgets.counts[metric];
  if (limit === undefined) return 0;
  return limit.kind === 'baseline' ? limit.plus : null; // absolute limits do not wait for a baseline
}

export async function settleReads(opts: {
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
