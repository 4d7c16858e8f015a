// Verdicts and the exit code: 0 every scenario passed, 1 a check failed, 2 a scenario could not run.
import type { Check, ExitCode, ScenarioReport, Verdict } from '../report/schema.ts';

export function scenarioVerdict(checks: Check[], error?: string): Verdict {
  if (error) return 'error';
  return checks.every((c) => c.pass) ? 'pass' : 'fail';
}

export function exitCodeOf(scenarios: Pick<ScenarioReport, 'verdict'>[]): ExitCode {
  if (scenarios.some((s) => s.verdict === 'error')) return 2;
  if (scenarios.some((s) => s.verdict === 'fail')) return 1;
  return 0;
}
