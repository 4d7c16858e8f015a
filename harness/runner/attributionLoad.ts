// A soak under load grows by its load, not by its steps (a health probe a second): between the
// first two looks that name suspects, the steps alone grow nothing, and a soak that leaked 800 KB a
// second named no suspect at all. So the load the measured phase ended with runs again while those
// steps do, and stops before the second look: what grew is then the load's per step, as in the
// measured phase. It is not recorded (the measured phase's load figures stay its own).
import { loadAt, runLoad } from '../drivers/loadGenerator.ts';
import type { LoadPlan } from '../scenario/runPlan.ts';

export interface AttributionLoad {
  stop(): Promise<void>;
}

export function startAttributionLoad(load: LoadPlan, opts: { baseUrl: () => string | null; now: () => number; maxMs: number; onError: (m: string) => void }): AttributionLoad {
  const last = loadAt(load, load.totalMs);
  const held: LoadPlan = {
    ...load,
    // two phases at the same rate: a profile's first phase ramps from nothing
    phases: [{ ms: 1, rate: last.rate ?? undefined, connections: last.connections }, { ms: opts.maxMs, rate: last.rate ?? undefined, connections: last.connections }],
    totalMs: opts.maxMs + 1,
  };
  const abort = new AbortController();
  const run = runLoad(held, { baseUrl: opts.baseUrl, totalMs: opts.maxMs, sliceMs: 1000, now: opts.now, onInterval: () => undefined, onError: opts.onError, signal: abort.signal });
  return {
    async stop() {
      abort.abort();
      await run.done;
    },
  };
}
