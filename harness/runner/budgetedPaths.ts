// budgets.files at the end of a run: a file's size, or all a folder holds (its bytes and entries).
import path from 'node:path';
import { pathUsage } from '../probes/dirUsage.ts';
import type { BudgetPlan } from '../scenario/runPlan.ts';

export function budgetedPaths(files: BudgetPlan['files'], repoRoot: string): { fileSizes: Record<string, number | null>; fileEntries: Record<string, number> } {
  const fileSizes: Record<string, number | null> = {};
  const fileEntries: Record<string, number> = {};
  for (const { path: file } of files) {
    const u = pathUsage(path.resolve(repoRoot, file));
    fileSizes[file] = u?.bytes ?? null;
    if (u?.entries !== null && u?.entries !== undefined) fileEntries[file] = u.entries;
  }
  return { fileSizes, fileEntries };
}
