// What every sample is watched for while the run goes: the soak's RSS alerts (each to the stream,
// which counts and keeps them; only the printing is capped) and, with abortOnFail, a check already
// certain to fail, which stops the run early.
import type { Sample } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { RunAggregate } from '../assembly/runAggregate.ts';
import { createAlertWatch, MAX_PER_LEVEL } from '../analysis/alerts.ts';
import { createEarlyStop } from '../analysis/earlyStop.ts';
import { formatElapsed } from '../analysis/soakChecks.ts';
import type { RunEnding } from './runEnding.ts';

export type SampleWatch = (s: Sample) => void;

export function createSampleWatch(plan: Pick<RunPlan, 'alerts' | 'budgets' | 'abortOnFail'>, o: {
  emit(e: StreamEvent): void;
  agg: Pick<RunAggregate, 'alertCount' | 'peakRss' | 'seepPeak'>;
  /** what seep says of this run on stderr, its scenario named */
  say(line: string): void;
  ending: RunEnding;
}): SampleWatch {
  const alerts = createAlertWatch(plan.alerts, Infinity);
  const earlyStop = createEarlyStop(plan.budgets, plan.alerts.some((a) => a.level === 'critical'));
  const say = o.say;
  return (s) => {
    for (const a of alerts.observe(s.t, s.values.rss)) {
      o.emit({ k: 'alert', t: a.t, level: a.level, message: a.message });
      const n = o.agg.alertCount(a.level);
      if (n <= MAX_PER_LEVEL) say(`${a.level.toUpperCase()} at ${formatElapsed(a.t)}: ${a.message}`);
      if (n === MAX_PER_LEVEL) say(`further ${a.level} alerts are counted in the report, not printed`);
    }
    if (plan.abortOnFail && !o.ending.stoppedEarly()) {
      const certain = earlyStop({ peakRss: o.agg.peakRss(), seepPeak: o.agg.seepPeak(), criticalAlerts: o.agg.alertCount('critical') });
      if (certain) {
        say(`stopping early at ${formatElapsed(s.t)}: ${certain}`);
        o.ending.stopEarly(certain);
      }
    }
  };
}
