// An observations document judged: its events through the run aggregate, as a run's stream is, into
// the report `seep run` would have written for those reads.
import type { Report } from '../report/schema.ts';
import { SCHEMA_VERSION } from '../report/schema.ts';
import type { HostInfo } from '../report/schema.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { runOutcome } from '../analysis/verdict.ts';
import { documentEvents } from './documentEvents.ts';
import type { ObservationsDocument } from './observationsDocument.ts';

export function judgeDocument(doc: ObservationsDocument, run: { runId: string; seepVersion: string; host: HostInfo }): Report {
  const agg = createRunAggregate();
  for (const e of documentEvents(doc)) agg.add(e);
  const scenario = agg.report();
  if (doc.target.runtime) scenario.target.runtime = doc.target.runtime;
  return {
    schemaVersion: SCHEMA_VERSION,
    seepVersion: run.seepVersion,
    runId: run.runId,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
    host: run.host,
    ...runOutcome([scenario]),
    scenarios: [scenario],
  };
}
