// The framework half of the corpus (fixtures/corpus/servers): each program's own scenario file
// through the real runner, with its variant set in the service's env, its failing checks against
// its label, and whether a top-three suspect names what leaks.
import path from 'node:path';
import type { Suspect } from '../report/schema.ts';
import { runScenario } from '../runner/runScenario.ts';
import { loadScenarioFile } from '../scenario/loadScenario.ts';
import { planRun } from '../scenario/runPlan.ts';
import type { LabelledResult } from './corpusEval.ts';
import type { ServerProgram } from './corpusManifest.ts';

export interface ServerResult extends LabelledResult {
  program: ServerProgram;
  /** the top three suspects, as named in the report */
  topSuspects: Pick<Suspect, 'name' | 'perIteration' | 'where'>[];
  /** a top-three suspect matches the label's (true when the label names none) */
  suspectNamed: boolean;
  durationMs: number;
}

/** The label's suspect among the top three of a report's suspects. */
export function namesSuspect(p: Pick<ServerProgram, 'suspect'>, suspects: Pick<Suspect, 'name' | 'where'>[]): boolean {
  if (!p.suspect) return true;
  const { name, where } = p.suspect;
  return suspects.slice(0, 3).some((s) => name.test(s.name) && (where === undefined || where.test(s.where.join('\n'))));
}

export async function runServerProgram(p: ServerProgram, repoRoot: string): Promise<ServerResult> {
  const { scenario, file } = await loadScenarioFile(path.join(repoRoot, p.scenario), repoRoot);
  // a scenario file is imported once per process: its variant is set here, not through process.env
  const service = scenario.service && 'command' in scenario.service ? { ...scenario.service, env: { ...scenario.service.env, VARIANT: p.variant } } : undefined;
  const report = await runScenario(planRun({ ...scenario, ...(service ? { service } : {}) }, file), { repoRoot, file });
  const rssCheck = report.checks.find((c) => c.id === 'leak.rss');
  const result: ServerResult = {
    program: p,
    failing: report.checks.filter((c) => !c.pass).map((c) => c.id).sort(),
    rss: rssCheck?.trend ? { verdict: rssCheck.trend.verdict, reason: rssCheck.trend.reason, slope: rssCheck.trend.slope } : null,
    checks: report.checks.map((c) => ({ id: c.id, pass: c.pass, message: c.message })),
    topSuspects: report.suspects.slice(0, 3).map((s) => ({ name: s.name, perIteration: s.perIteration, where: s.where })),
    suspectNamed: namesSuspect(p, report.suspects),
    durationMs: report.durationMs,
  };
  if (report.error) result.error = report.error;
  return result;
}

/** One program at a time: each is a whole server (gunicorn starts three processes) on two shared cores. */
export async function runServerCorpus(programs: ServerProgram[], repoRoot: string, onResult?: (r: ServerResult) => void): Promise<ServerResult[]> {
  const results: ServerResult[] = [];
  for (const p of programs) {
    const r = await runServerProgram(p, repoRoot);
    onResult?.(r);
    results.push(r);
  }
  return results;
}
