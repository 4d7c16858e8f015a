// Every check of a scenario: the explicit budgets, and for each resource no budget covers, the
// default leak check. A budget replaces the default check of its resource: a user who writes
// `rssGrowth: '50MB'` accepts growth below that.
import type { Check } from '../report/schema.ts';
import type { Budgets } from '../scenario/types.ts';
import { parseCountLimit } from '../scenario/units.ts';
import { absoluteCountCheck, baselineCheck, COUNTED } from './countedResources.ts';
import { fileChecks, orphanCheck, outputChecks } from './leftoverChecks.ts';
import { memoryBudgetChecks, rssLeakCheck } from './memoryChecks.ts';
import type { Observations } from './observations.ts';

const RSS_BUDGETS = ['rssGrowth', 'rssPerIteration', 'rssSlope', 'peakRss'] as const;

export function buildChecks(obs: Observations, budgets: Budgets = {}): Check[] {
  const checks: (Check | null)[] = [];
  const persistent = obs.targetKind !== 'cli';
  if (persistent) {
    const rssBudgeted = RSS_BUDGETS.some((k) => budgets[k] !== undefined);
    if (!rssBudgeted) checks.push(rssLeakCheck(obs));
    checks.push(...memoryBudgetChecks(obs, budgets));
    for (const c of COUNTED) {
      const written = budgets[c.resource];
      if (written === undefined) {
        checks.push(baselineCheck(obs, c, { kind: 'leak', plus: 0 }));
        continue;
      }
      const limit = parseCountLimit(written);
      checks.push(limit.kind === 'baseline'
        ? baselineCheck(obs, c, { kind: 'budget', plus: limit.plus, limit: String(written) })
        : absoluteCountCheck(obs, c, limit.max, String(written)));
    }
  }
  checks.push(orphanCheck(obs, budgets.orphans));
  checks.push(...outputChecks(obs, budgets), ...fileChecks(obs, budgets));
  return checks.filter((c): c is Check => c !== null);
}
