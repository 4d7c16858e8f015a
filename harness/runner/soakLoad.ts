// A soak's load: the scenario's HTTP load at its rate for the whole measured time, beside the steps,
// its intervals to the stream. It pauses while a restarted service comes up (no base URL then).
// Counted runs have none.
import { soakLoadOf, type RunPlan } from '../scenario/runPlan.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import { loadTools, runLoad } from '../drivers/loadGenerator.ts';
import { loadEvent } from '../observations/loadTally.ts';
import type { RunTarget } from './runTarget.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';
import type { PauseLog } from './pauseLog.ts';

export interface SoakLoad {
  start(target: RunTarget): void;
  /** the measured phase begins: its latency figures count from here */
  markMeasured(): void;
  /** stops it and waits for its last interval; again is harmless */
  stop(): Promise<void>;
}

export function soakLoad(plan: Pick<RunPlan, 'load' | 'measure'>, o: { lifecycle: Pick<TargetLifecycle, 'restarting'>; now(): number; emit(e: StreamEvent): void; note(message: string): void; pauses?: PauseLog }): SoakLoad {
  const abort = new AbortController();
  const load = soakLoadOf(plan);
  // loaded while the target starts, not when the steps begin (loadGenerator.ts); a failure to load is the load's own error, at its start
  if (load) loadTools().catch(() => undefined);
  let done: Promise<void> = Promise.resolve();
  let markMeasured = (): void => undefined;
  return {
    start(target) {
      if (!load) return;
      const durationMs = load.soakMs;
      const run = runLoad(load.spec, {
        baseUrl: () => (o.lifecycle.restarting() ? null : target.baseUrl()),
        totalMs: durationMs - o.now(),
        sliceMs: Math.min(5000, Math.max(1000, durationMs / 60)),
        now: o.now,
        onInterval: (i) => o.emit(loadEvent(i)),
        onError: o.note,
        signal: abort.signal,
        disturbed: o.pauses?.overlaps,
      });
      done = run.done;
      markMeasured = run.markMeasured;
    },
    markMeasured: () => markMeasured(),
    async stop() {
      abort.abort();
      await done;
    },
  };
}
