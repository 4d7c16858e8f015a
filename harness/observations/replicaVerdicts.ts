// What the judge of a deployed service needs of each replica's report (each judged from its series
// in Prometheus once the run was over): its name, its verdict, and why it failed.
import type { ScenarioReport } from '../report/runReportSchema.ts';
import { remoteSeriesLabel } from '../probes/seriesName.ts';

export interface ReplicaVerdict {
  name: string;
  verdict: 'pass' | 'fail' | 'error';
  /** the failed checks' sentences, or the error */
  failures: string[];
}

export function replicaVerdicts(replicas: ScenarioReport[]): ReplicaVerdict[] {
  return replicas.map((r) => ({
    name: r.target.remote ? remoteSeriesLabel(r.target.remote) : r.name,
    verdict: r.verdict,
    failures: r.error ? [r.error] : r.checks.filter((c) => !c.pass).map((c) => c.message),
  }));
}
