// Every check of a scenario: the explicit budgets, and for each resource no budget covers, the
// default leak check. A budget replaces the default check of its resource: a user who writes
// `rssGrowth: '50MB'` accepts growth below that.
import type { Check } from '../report/runReportSchema.ts';
import { planBudgets, type BudgetPlan } from '../scenario/runPlan.ts';
import { absoluteCountCheck, baselineCheck, COUNTED } from './countedResources.ts';
import { countLeakCheck } from './countShape.ts';
import { fileChecks, orphanCheck, outputChecks } from './leftoverChecks.ts';
import { warningCheck } from './warningCheck.ts';
import { heapLeakCheck, memoryBudgetChecks, notMeasured, rssLeakCheck } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { diskChecks } from './diskChecks.ts';

const RSS_BUDGETS = ['rssGrowth', 'rssPerIteration', 'rssSlope', 'peakRss'] as const;
const PERSISTENT_ONLY = [...RSS_BUDGETS, 'heapGrowth'] as const;

export function buildChecks(obs: Observations, budgets: BudgetPlan = planBudgets()): Check[] {
  const checks: (Check | null)[] = [];
  const persistent = obs.targetKind !== 'cli';
  if (persistent) {
    const rssBudgeted = RSS_BUDGETS.some((k) => budgets[k] !== undefined);
    if (!rssBudgeted) checks.push(rssLeakCheck(obs));
    if (budgets.heapGrowth === undefined) checks.push(heapLeakCheck(obs));
    checks.push(...memoryBudgetChecks(obs, budgets));
    for (const c of COUNTED) {
      const limit = budgets.counts[c.resource];
      if (limit === undefined) {
        checks.push(countLeakCheck(obs, c));
        continue;
      }
      const judged = limit.kind === 'baseline'
        ? baselineCheck(obs, c, { kind: 'budget', plus: limit.plus, limit: limit.written })
        : absoluteCountCheck(obs, c, limit.max, limit.written);
      const why = c.resource === 'handles' ? 'no handles were read (the target has no Node or Python agent)' : 'no measured or settle reads to compare';
      checks.push(judged ?? notMeasured(`budget.${c.resource}`, c.resource, { written: limit.written }, c.unit, why));
    }
  } else {
    // a CLI scenario has no process that lives across steps: memory and count budgets cannot apply
    for (const k of PERSISTENT_ONLY) {
      const limit = budgets[k];
      if (limit) checks.push(notMeasured(`budget.${k}`, k === 'heapGrowth' ? 'heap' : 'rss', limit, limit.unit, 'a CLI scenario has no process that lives across steps; budget the commands through files, orphans and output'));
    }
    for (const c of COUNTED) {
      const limit = budgets.counts[c.resource];
      if (limit) checks.push(notMeasured(`budget.${c.resource}`, c.resource, { written: limit.written }, c.unit, 'a CLI scenario has no process that lives across steps'));
    }
  }
  checks.push(orphanCheck(obs, budgets.orphans));
  // disk outlives every process: a CLI's commands leave their files as a service does
  checks.push(...diskChecks(obs, budgets));
  checks.push(warningCheck(obs, checks.filter((c): c is Check => c !== null)), ...outputChecks(obs, budgets), ...fileChecks(obs, budgets));
  return checks.filter((c): c is Check => c !== null);
}
