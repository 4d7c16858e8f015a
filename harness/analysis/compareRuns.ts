// `seep compare`: two runs of the same scenarios, figure by figure. Pure: two reports in, a typed
// comparison out; reading the files is the command's, drawing it the reporters'.
//
// Exit code: 2 when the runs cannot be compared (not the same scenarios, a scenario that errored in
// either, slopes per iteration against per hour), 1 when "after" is worse somewhere (a figure worse
// beyond the tolerance, slopeDifference.ts, or a check that passed before and fails after), else 0.
import type { BaselineRun, Report, ScenarioReport } from '../report/runReportSchema.ts';
import type { ComparedCheck, ComparedFigure, ComparedSide, RunComparison, RunFigure, ScenarioComparison } from '../report/comparisonSchema.ts';
import { runFigures } from './runFigures.ts';
import { countDifference, slopeDifference, toleranceFor } from './slopeDifference.ts';

function side(f: RunFigure | undefined): ComparedSide | null {
  return f ? { value: f.value, low: f.low, high: f.high, verdict: f.verdict, source: f.source } : null;
}

/**
 * Each figure either run has, with the difference where both have it. A figure measured per
 * iteration in one run and per hour in the other has no difference; `mismatched` names it.
 */
export function compareFigures(before: RunFigure[], after: RunFigure[], relative: number): { figures: ComparedFigure[]; mismatched: string[] } {
  const figures: ComparedFigure[] = [];
  const mismatched: string[] = [];
  const keys = [...new Set([...before.map((f) => f.key), ...after.map((f) => f.key)])];
  for (const key of keys) {
    const b = before.find((f) => f.key === key);
    const a = after.find((f) => f.key === key);
    const f = (a ?? b)!;
    const row: ComparedFigure = { key, resource: f.resource, series: f.series, kind: f.kind, unit: f.unit, before: side(b), after: side(a), difference: null };
    if (f.per) row.per = f.per;
    if (a && b && a.per !== b.per) {
      mismatched.push(`${key}: per ${b.per} before, per ${a.per} after`);
    } else if (a && b) {
      const tolerance = toleranceFor(b, relative, Math.max(a.floor, b.floor));
      row.difference = f.kind === 'slope'
        ? slopeDifference(b, a, Math.min(a.confidence, b.confidence), tolerance, a.verdict === 'leak')
        : countDifference(b.value, a.value, tolerance);
    }
    figures.push(row);
  }
  return { figures, mismatched };
}

function compareChecks(before: ScenarioReport, after: ScenarioReport): ComparedCheck[] {
  const ids = [...new Set([...before.checks.map((c) => c.id), ...after.checks.map((c) => c.id)])];
  return ids.map((id) => {
    const b = before.checks.find((c) => c.id === id);
    const a = after.checks.find((c) => c.id === id);
    return { id, before: b ? { pass: b.pass, message: b.message } : null, after: a ? { pass: a.pass, message: a.message } : null };
  });
}

export interface StoredRun {
  report: Report;
  /** as the user gave it: a run folder or a report file */
  path: string;
}

function ref(r: StoredRun): BaselineRun & { startedAt: string } {
  return { path: r.path, runId: r.report.runId, startedAt: r.report.startedAt };
}

export function compareRuns(before: StoredRun, after: StoredRun, opts: { tolerance: number }): RunComparison {
  const incomparable: string[] = [];
  const names = (r: StoredRun) => r.report.scenarios.map((s) => s.name);
  const onlyBefore = names(before).filter((n) => !names(after).includes(n));
  const onlyAfter = names(after).filter((n) => !names(before).includes(n));
  if (onlyBefore.length > 0) incomparable.push(`only in before (${before.path}): ${onlyBefore.map((n) => `'${n}'`).join(', ')}`);
  if (onlyAfter.length > 0) incomparable.push(`only in after (${after.path}): ${onlyAfter.map((n) => `'${n}'`).join(', ')}`);

  const scenarios: ScenarioComparison[] = [];
  for (const b of before.report.scenarios) {
    const a = after.report.scenarios.find((s) => s.name === b.name);
    if (!a) continue;
    for (const [label, s] of [['before', b], ['after', a]] as const) {
      if (s.verdict === 'error') incomparable.push(`'${s.name}' errored in ${label}: ${s.error ?? 'no reason given'}`);
    }
    const { figures, mismatched } = compareFigures(runFigures(b), runFigures(a), opts.tolerance);
    incomparable.push(...mismatched.map((m) => `'${b.name}': ${m}`));
    const checks = compareChecks(b, a);
    const worse = [
      ...figures.filter((f) => f.difference?.verdict === 'worse').map((f) => f.key),
      ...checks.filter((c) => c.before?.pass === true && c.after?.pass === false).map((c) => `${c.id} fails`),
    ];
    const better = [
      ...figures.filter((f) => f.difference?.verdict === 'better').map((f) => f.key),
      ...checks.filter((c) => c.before?.pass === false && c.after?.pass === true).map((c) => `${c.id} passes`),
    ];
    scenarios.push({ name: b.name, figures, checks, worse, better, series: { before: b.series, after: a.series } });
  }
  const exitCode = incomparable.length > 0 ? 2 : scenarios.some((s) => s.worse.length > 0) ? 1 : 0;
  return { before: ref(before), after: ref(after), tolerance: opts.tolerance, incomparable, scenarios, exitCode };
}
