// The judge of one run as its events told it: the checks of what was observed against the budgets
// and alert levels the stream's head carries (judge.ts), and the verdict, with how the run ended: the
// engine's error, or seep's own death before the end (a run cut short whose measured checks already
// fail is a failure, not "could not run"). Pure: the same folded run is judged the same way live,
// at the end, and when `seep report` rebuilds it.
import type { Check, ScenarioLeak, Suspect, Verdict } from '../report/runReportSchema.ts';
import type { FoldedRun } from '../observations/foldedRun.ts';
import type { StreamHead } from '../observations/streamHead.ts';
import { corroborateSuspects } from './corroboratedSuspects.ts';
import { runSuspects } from './rankSuspects.ts';
import { judge } from './judge.ts';
import { judgeKnownLeaks } from './knownLeaks.ts';
import { scenarioLeaks } from './scenarioLeaks.ts';
import { formatElapsed } from './soakChecks.ts';
import { scenarioVerdict } from './verdict.ts';

export interface JudgedRun {
  checks: Check[];
  /** the suspects as the checks corroborate them, each signed */
  suspects: Suspect[];
  /** the leaks behind the failing leak checks, judged against the known-leaks file when the run read one */
  leaks: ScenarioLeak[];
  verdict: Verdict;
  /** why the run could not be judged as a whole */
  error?: string;
  /** how far a run that seep did not finish got, when its checks already fail */
  cutShort?: string;
}

/** `live`: the run goes on (no end yet is no death); `source`: the stream a rebuilt report is read from. */
export function judgeRun(run: FoldedRun & { head: StreamHead }, opts: { live?: boolean; source?: string } = {}): JudgedRun {
  const { head, tail, observations: obs } = run;
  const measured = judge(obs, head.budgets, head.alerts);
  const ranked = runSuspects(obs) ?? [];
  const corroborated = corroborateSuspects(ranked, measured, obs.typeGrowth?.runtime ?? ranked[0]?.runtime);
  const found = scenarioLeaks(measured, corroborated, head.file);
  // a known leak within its ceiling passes its check: expiry is judged on the day the run started (UTC)
  const { leaks, checks } = judgeKnownLeaks(found.leaks, found.checks, head.budgets.knownLeaks, head.startedAt.slice(0, 10));
  const judged = { suspects: found.suspects, leaks };
  let error = tail?.error;
  if (!tail && !opts.live) {
    const of = head.measure && 'steps' in head.measure
      ? `after ${obs.measuredIterations} of ${head.measure.steps} measured steps`
      : `last sample at ${formatElapsed(run.lastT)} of ${formatElapsed(head.durationMs)}`;
    error = `seep stopped before the run ended (${of})` + (opts.source ? `; report rebuilt from ${opts.source}` : '');
    if (checks.some((c) => !c.pass && c.measured !== false)) {
      return { checks, ...judged, verdict: scenarioVerdict(checks), cutShort: error.replace('seep stopped before the run ended', 'cut short') };
    }
  }
  return { checks, ...judged, verdict: scenarioVerdict(checks, error), ...(error === undefined ? {} : { error }) };
}
