// Verdicts and the exit code: 0 every scenario passed, 1 a check failed, 2 a scenario could not run.
import type { Check, ExitCode, Report, ScenarioReport, Verdict } from '../report/runReportSchema.ts';

export function scenarioVerdict(checks: Check[], error?: string): Verdict {
  if (error) return 'error';
  return checks.every((c) => c.pass) ? 'pass' : 'fail';
}

export function exitCodeOf(scenarios: Pick<ScenarioReport, 'verdict'>[]): ExitCode {
  if (scenarios.some((s) => s.verdict === 'error')) return 2;
  if (scenarios.some((s) => s.verdict === 'fail')) return 1;
  return 0;
}

const VERDICT_OF_EXIT: Record<ExitCode, Verdict> = { 0: 'pass', 1: 'fail', 2: 'error' };

/** The run's verdict and exit code, decided together so they cannot disagree. */
export function runOutcome(scenarios: Pick<ScenarioReport, 'verdict'>[]): Pick<Report, 'verdict' | 'exitCode'> {
  const exitCode = exitCodeOf(scenarios);
  return { verdict: VERDICT_OF_EXIT[exitCode], exitCode };
}
