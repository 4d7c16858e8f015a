// The last line of a run's stream: what the engine knows only once the target is stopped (the
// steps taken, what was left behind, the sizes of the files the budgets name, what each collector
// found, the problems of observing) and how the run ended.
import path from 'node:path';
import type { Leftover } from '../report/runReportSchema.ts';
import type { BudgetPlan, RunPlan } from '../scenario/runPlan.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { StreamTail } from '../observations/streamHead.ts';
import type { Identities } from '../probes/sampler.ts';
import { pathUsage } from '../probes/dirUsage.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { RunPosition } from './runPosition.ts';

export interface RunTailParts {
  repoRoot: string;
  position: Readonly<RunPosition>;
  orphans: Leftover[];
  newSinceBaseline: Identities;
  collectors: EvidenceCollector[];
  /** the problems of observing so far, in the order they came */
  problems: string[];
  /** the sampler's, listed after them */
  samplerErrors(): string[];
  observerCost: StreamTail['observerCost'];
  /** how the run ended, given the steps it measured */
  ending(measuredSteps: number): Pick<StreamTail, 'error' | 'interrupted' | 'stoppedEarly'>;
  emit(e: StreamEvent): void;
  now(): number;
}

export async function runTail(plan: Pick<RunPlan, 'budgets'>, p: RunTailParts): Promise<StreamTail> {
  const { fileSizes, fileEntries } = budgetedPaths(plan.budgets.files, p.repoRoot);
  const measuredSteps = p.position.steps - p.position.warmupSteps;
  let ending = p.ending(measuredSteps);
  const problems = [...p.problems];
  const newSinceBaseline: StreamTail['newSinceBaseline'] = p.newSinceBaseline;
  for (const c of p.collectors) {
    const found = await c.afterRun?.(measuredSteps);
    if (!found) continue;
    // in the stream too, so that a report rebuilt from it names them
    if (found.evidence) p.emit({ k: 'evidence', t: p.now(), evidence: found.evidence });
    problems.push(...found.errors);
    if (found.handles && found.handles.length > 0) newSinceBaseline.handles = [...(newSinceBaseline.handles ?? []), ...found.handles];
    if (found.replicas) p.emit({ k: 'replicas', t: p.now(), replicas: found.replicas });
    // evidence that could not be had at all (Prometheus unreachable) is the run's error
    if (found.error && ending.error === undefined) ending = { ...ending, error: found.error };
  }
  return {
    finishedAt: new Date().toISOString(),
    steps: { warmup: p.position.warmupSteps, measured: measuredSteps },
    orphans: p.orphans,
    newSinceBaseline,
    fileSizes,
    fileEntries,
    probeErrors: [...new Set([...problems, ...p.samplerErrors()])],
    observerCost: p.observerCost,
    ...ending,
  };
}

/** budgets.files at the end of the run: a file's size, or all a folder holds (its bytes and entries). */
function budgetedPaths(files: BudgetPlan['files'], repoRoot: string): { fileSizes: Record<string, number | null>; fileEntries: Record<string, number> } {
  const fileSizes: Record<string, number | null> = {};
  const fileEntries: Record<string, number> = {};
  for (const { path: file } of files) {
    const u = pathUsage(path.resolve(repoRoot, file));
    fileSizes[file] = u?.bytes ?? null;
    if (u?.entries !== null && u?.entries !== undefined) fileEntries[file] = u.entries;
  }
  return { fileSizes, fileEntries };
}
