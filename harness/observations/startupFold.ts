// The target's start-up phase, folded from the stream: when the first step began, and the tree as the
// last sample before it saw it. What the target printed then is the output watcher's (its startup
// counts); neither is judged as a leak per step.
import type { Sample } from '../report/sampleSchema.ts';
import type { StartupPhase } from '../report/runReportSchema.ts';

export interface StartupFold {
  started(t: number, lastSample: Sample | null): void;
  report(): StartupPhase | undefined;
}

export function createStartupFold(): StartupFold {
  let phase: StartupPhase | undefined;
  return {
    started(t, s) {
      if (phase) return;
      const v = s?.values;
      phase = { ms: t, at: v ? { rss: v.rss, fds: v.fds, sockets: v.sockets, threads: v.threads, children: v.children } : null };
    },
    report: () => phase,
  };
}
