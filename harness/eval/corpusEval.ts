// The corpus half of `npm run eval`: every labelled program through the real runner (a function
// worker per program, the default checks, no budgets), its failing checks against its label, and
// a truth-against-verdict matrix per resource.
import type { Check, ScenarioReport } from '../report/schema.ts';
import { planRun } from '../scenario/runPlan.ts';
import { runScenario } from '../runner/runScenario.ts';
import type { Scenario } from '../scenario/types.ts';
import { ConfusionMatrix, type TrendVerdict } from './confusionMatrix.ts';
import type { CorpusProgram } from './corpusManifest.ts';

/** The resources whose default leak checks the corpus is labelled against. */
export const CORPUS_RESOURCES = ['rss', 'heap', 'fds', 'sockets', 'threads', 'children', 'handles', 'orphans'] as const;

/** What the matrix and the label comparison need of a run, module program or server alike. */
export interface LabelledResult {
  program: { name: string; expectFail: string[] };
  /** ids of the checks that failed, sorted */
  failing: string[];
  error?: string;
  /** the RSS trend's verdict and reason, for the printout */
  rss: { verdict: TrendVerdict; reason: string; slope: number } | null;
  checks: Pick<Check, 'id' | 'pass' | 'message'>[];
}

export interface CorpusResult extends LabelledResult {
  program: CorpusProgram;
  verdict: ScenarioReport['verdict'];
  durationMs: number;
}

export function corpusScenario(p: CorpusProgram): Scenario {
  return {
    name: `corpus: ${p.name}`,
    module: { path: p.path, ...(p.env ? { env: p.env } : {}) },
    warmup: p.warmup,
    iterations: p.iterations,
    step: ({ call, iteration }) => call(p.fn, [iteration]),
  };
}

export async function runCorpusProgram(p: CorpusProgram, repoRoot: string): Promise<CorpusResult> {
  const report = await runScenario(planRun(corpusScenario(p), p.path), { repoRoot, file: p.path });
  const rssCheck = report.checks.find((c) => c.id === 'leak.rss');
  const result: CorpusResult = {
    program: p,
    failing: report.checks.filter((c) => !c.pass).map((c) => c.id).sort(),
    verdict: report.verdict,
    rss: rssCheck?.trend ? { verdict: rssCheck.trend.verdict, reason: rssCheck.trend.reason, slope: rssCheck.trend.slope } : null,
    checks: report.checks.map((c) => ({ id: c.id, pass: c.pass, message: c.message })),
    durationMs: report.durationMs,
  };
  if (report.error) result.error = report.error;
  return result;
}

/** Runs the programs `concurrency` at a time; results in manifest order. */
export async function runCorpus(
  programs: CorpusProgram[],
  opts: { repoRoot: string; concurrency: number; onResult?: (r: CorpusResult) => void },
): Promise<CorpusResult[]> {
  const results: CorpusResult[] = new Array(programs.length);
  let next = 0;
  const lane = async () => {
    while (next < programs.length) {
      const i = next++;
      results[i] = await runCorpusProgram(programs[i]!, opts.repoRoot);
      opts.onResult?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, programs.length)) }, lane));
  return results;
}

/**
 * Truth (the label names the resource's leak check) against what the run said: the RSS trend's
 * own verdict, and for counted resources a failed back-to-baseline check as 'leak', a passed one
 * as 'bounded'. A check that did not run (the target errored) counts as inconclusive.
 */
export function corpusMatrix(results: LabelledResult[]): ConfusionMatrix {
  const m = new ConfusionMatrix();
  for (const r of results) {
    for (const res of CORPUS_RESOURCES) {
      const id = `leak.${res}`;
      const truth = r.program.expectFail.includes(id) ? 'leak' : 'clean';
      const check = r.checks.find((c) => c.id === id);
      let verdict: TrendVerdict;
      if (!check || r.error) verdict = 'inconclusive';
      else if (res === 'rss' && r.rss) verdict = r.rss.verdict;
      else verdict = check.pass ? 'bounded' : 'leak';
      m.add(res, truth, verdict);
    }
  }
  return m;
}

/** A hard program run once per noise seed (NOISE_SEED=1..seeds), to measure how often it is caught. */
export function seedSweep(p: CorpusProgram, seeds: number): CorpusProgram[] {
  return Array.from({ length: seeds }, (_, i) => ({ ...p, name: `${p.name} seed ${i + 1}`, env: { ...p.env, NOISE_SEED: String(i + 1) } }));
}

/** How the RSS verdicts of a sweep fell, and how many runs failed exactly their label. */
export function sweepSummary(results: CorpusResult[]): { runs: number; asLabelled: number; leak: number; inconclusive: number; bounded: number } {
  const count = (v: TrendVerdict) => results.filter((r) => r.rss?.verdict === v).length;
  return { runs: results.length, asLabelled: results.length - mislabelled(results).length, leak: count('leak'), inconclusive: count('inconclusive'), bounded: count('bounded') };
}

/** Programs whose failing checks differ from their label, or that could not run. */
export function mislabelled<R extends LabelledResult>(results: R[]): R[] {
  return results.filter((r) => r.error !== undefined || r.failing.join(',') !== r.program.expectFail.join(','));
}
