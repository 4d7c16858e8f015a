// `seep run --baseline`: regression checks against a stored run (a main-branch artifact). A figure
// (a slope with its interval, a count left over after the settle) significantly worse than the
// baseline's beyond the tolerance fails its check, even when every absolute budget passes. Pure:
// the baseline's figures were read at the edge (cli) and travel in the plan's budgets.
import type { Check } from '../report/runReportSchema.ts';
import type { RunFigure } from '../report/comparisonSchema.ts';
import type { RegressionBaseline } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { compareFigures, type StoredRun } from './compareRuns.ts';
import { runFigures } from './runFigures.ts';

/** What the plan carries of a stored run for one scenario: its figures, read once at the edge. */
export function regressionBaseline(stored: StoredRun, scenario: string, tolerance: number): RegressionBaseline {
  const s = stored.report.scenarios.find((x) => x.name === scenario && x.verdict !== 'error');
  return { run: { path: stored.path, runId: stored.report.runId }, figures: s ? runFigures(s) : null, tolerance };
}

function unitOf(f: { unit: string; per?: string }): string {
  return f.per ? `${f.unit}/${f.per}` : f.unit;
}

function show(value: number, unit: string): string {
  const [base, per] = unit.split('/');
  const text = base === 'B' ? formatBytes(value) : `${Number(value.toPrecision(3))} ${base}`;
  return per ? `${text}/${per}` : text;
}

const signed = (value: number, unit: string) => (value > 0 ? '+' : '') + show(value, unit);

const NAMES: Record<string, string> = { rss: 'RSS slope', heap: 'runtime heap slope', heapBlocks: 'allocated blocks slope', disk: 'disk slope (files written)', tmpBytes: 'temp dir slope', tmpEntries: 'temp dir entries slope' };

function nameOf(f: { key: string; kind: string; resource: string }): string {
  return NAMES[f.key] ?? (f.kind === 'leftOver' ? `${f.resource} left over after the settle` : `${f.resource} slope`);
}

export function regressionChecks(current: RunFigure[], baseline: RegressionBaseline): Check[] {
  const { run } = baseline;
  const against = `baseline run ${run.runId} (${run.path})`;
  if (baseline.figures === null) {
    return [{
      id: 'regression', resource: 'rss', kind: 'budget', observed: 0, unit: '', pass: true, measured: false, baselineRun: run,
      message: `not measured: ${against} has no judged run of this scenario (none of this name, or it errored)`,
    }];
  }
  const pct = `${Math.round(baseline.tolerance * 100)}%`;
  return compareFigures(baseline.figures, current, baseline.tolerance).figures.map((f): Check => {
    const unit = unitOf(f);
    const base = { id: `regression.${f.key}` as const, resource: f.resource, kind: 'budget' as const, unit, series: f.series, baselineRun: run, limit: `baseline ${run.runId} + ${pct}` };
    if (!f.before || !f.after || !f.difference) {
      const missing = f.before && f.after
        ? `${nameOf(f)} is not per the same unit here and in ${against} (a soak against a counted run)`
        : f.after ? `${against} has no ${nameOf(f)}` : `this run has no ${nameOf(f)}, ${against} has`;
      return { ...base, observed: f.after?.value ?? 0, pass: true, measured: false, message: `not measured: ${missing}` };
    }
    const d = f.difference;
    const interval = (s: { low: number; high: number }) => f.kind === 'slope' ? ` [${show(s.low, unit)}, ${show(s.high, unit)}]` : '';
    const diff = f.kind === 'slope'
      ? `${signed(d.value, unit)} (${Math.round(d.confidence * 100)}% ${show(d.low, unit)} to ${show(d.high, unit)}${d.significant ? ', significant' : ', not significant'})`
      : signed(d.value, unit);
    const verdict = d.verdict === 'worse'
      ? `worse beyond the tolerance ${show(d.tolerance, unit)}`
      : d.verdict === 'better' ? 'better' : `within the tolerance ${show(d.tolerance, unit)}`;
    return {
      ...base,
      limitValue: f.before.value + d.tolerance,
      observed: f.after.value,
      pass: d.verdict !== 'worse',
      message: `${nameOf(f)} ${signed(f.after.value, unit)}${interval(f.after)} against ${signed(f.before.value, unit)}${interval(f.before)} in ${against}: ${diff}, ${verdict}`,
    };
  });
}
