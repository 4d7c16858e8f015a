// The judge of one run as its events told it: the checks of what was observed against the budgets
// and alert levels the stream's head carries (judge.ts), and the verdict, with how the run ended: the
// engine's error, or seep's own death before the end (a run cut short whose measured checks already
// fail is a failure, not "could not run"). Pure: the same folded run is judged the same way live,
// at the end, and when `seep report` rebuilds it.
import type { Check, Suspect, Verdict } from '../report/schema.ts';
import { runSuspects } from './rankSuspects.ts';
import type { FoldedRun } from '../observations/runFold.ts';
import type { StreamHead } from '../observations/streamHead.ts';
import { judge } from './judge.ts';
import { formatElapsed } from './soakChecks.ts';
import { scenarioVerdict } from './verdict.ts';

export interface JudgedRun {
  checks: Check[];
  verdict: Verdict;
  /** the suspects, ranked from the agents' evidence (the checks use them too) */
  suspects: Suspect[];
  /** why the run could not be judged as a whole */
  error?: string;
  /** how far a run that seep did not finish got, when its checks already fail */
  cutShort?: string;
}

/** `live`: the run goes on (no end yet is no death); `source`: the stream a rebuilt report is read from. */
export function judgeRun(run: FoldedRun & { head: StreamHead }, opts: { live?: boolean; source?: string } = {}): JudgedRun {
  const { head, tail, observations: obs } = run;
  const checks = judge(obs, head.budgets, head.alerts);
  const suspects = runSuspects(obs) ?? [];
  let error = tail?.error;
  if (!tail && !opts.live) {
    const of = head.measure && 'steps' in head.measure
      ? `after ${obs.measuredIterations} of ${head.measure.steps} measured steps`
      : `last sample at ${formatElapsed(run.lastT)} of ${formatElapsed(head.durationMs)}`;
    error = `seep stopped before the run ended (${of})` + (opts.source ? `; report rebuilt from ${opts.source}` : '');
    if (checks.some((c) => !c.pass && c.measured !== false)) {
      return { checks, suspects, verdict: scenarioVerdict(checks), cutShort: error.replace('seep stopped before the run ended', 'cut short') };
    }
  }
  return { checks, suspects, verdict: scenarioVerdict(checks, error), ...(error === undefined ? {} : { error }) };
}
