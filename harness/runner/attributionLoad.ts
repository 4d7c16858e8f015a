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
  // One connection: the target keeps a connection's objects while it is kept alive (gunicorn's
  // gthread 2 s, Node's server 5 s), past the settle before the last look, and ten connections
  // left so are one object a step over ten steps: a suspect that is the load's, not the target's.
  const phase = { rate: last.rate ?? undefined, connections: 1 };
  const held: LoadPlan = {
    ...load,
    connections: 1,
    // two phases at the same rate: a profile's first phase ramps from nothing
    phases: [{ ms: 1, ...phase }, { ms: opts.maxMs, ...phase }],
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
