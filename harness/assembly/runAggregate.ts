// Everything a run keeps in memory, fed by the same events that go to its sample stream, in three
// stages: the fold of the events (observations/runFold.ts), the judge (analysis/judgeRun.ts), and the
// report's assembly (scenarioReport.ts). The engine reads the fold's running figures while the run
// goes; the live view, the end of the run and `seep report` after a crash all get their report here.
import type { Check, ScenarioReport, Verdict } from '../report/runReportSchema.ts';
import { judgeRun } from '../analysis/judgeRun.ts';
import { createRunFold, type RunFold } from '../observations/runFold.ts';
import type { RunFoldOptions } from '../observations/foldState.ts';
import { scenarioReport } from './scenarioReport.ts';

export type RunAggregateOptions = RunFoldOptions;

export interface RunAggregate extends Omit<RunFold, 'folded'> {
  /** the report of what was seen so far; `live` while the run goes on, else a missing end means seep died */
  report(opts?: { live?: boolean; source?: string }): ScenarioReport;
  /** the verdict the report would give now (the report's, once the end is in) */
  verdict(): Verdict;
  checks(): Check[];
}

export function createRunAggregate(opts: RunAggregateOptions = {}): RunAggregate {
  const fold = createRunFold(opts);
  const { folded, ...figures } = fold;
  return {
    ...figures,
    checks() {
      const run = folded();
      return run.head ? judgeRun({ ...run, head: run.head }, { live: true }).checks : [];
    },
    verdict() {
      const run = folded();
      return run.head ? judgeRun({ ...run, head: run.head }).verdict : 'error';
    },
    report(ropts = {}) {
      const run = folded();
      if (!run.head) throw new Error(`${ropts.source ?? 'sample stream'}: no head line: not a seep sample stream, or cut before its first line`);
      const withHead = { ...run, head: run.head };
      return scenarioReport(withHead, judgeRun(withHead, ropts));
    },
  };
}
