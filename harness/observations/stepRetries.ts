// Step requests retried because a worker of the tree exited under them (a recycled gunicorn worker),
// folded from the stream: every one counted, the first few kept with when and which worker.
import type { StepRetry } from '../report/runReportSchema.ts';

const KEEP = 20;

export interface StepRetries {
  add(r: StepRetry): void;
  report(): { count: number; list: StepRetry[] } | undefined;
}

export function createStepRetries(): StepRetries {
  let count = 0;
  const list: StepRetry[] = [];
  return {
    add(r) {
      count++;
      if (list.length < KEEP) list.push(r);
    },
    report: () => (count === 0 ? undefined : { count, list: [...list] }),
  };
}
