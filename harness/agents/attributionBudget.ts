// The time a run's attribution may add to it: the agents' looks after the measured phase (heap
// snapshots, type counts, tracemalloc compares, open resources, referrer searches, retainer paths)
// and the extra steps between them share one deadline, max(30 s, 20% of the measured phase). Each
// request is given what is left; what does not fit is skipped, what runs out of time is cut short,
// and both are said in the report (ScenarioReport.attribution), never waited for. A 40 s soak of a
// Python daemon holding BeautifulSoup trees spent 4 min 19 s naming suspects before this.
import type { Attribution } from '../report/runReportSchema.ts';

export const MIN_ATTRIBUTION_MS = 30_000;
export const ATTRIBUTION_SHARE = 0.2;
/**
 * steps run between the first two looks however long the first took: with none, nothing grows per
 * step, and with 3, three Promises on the stack at the look were 'one per step' (node-service)
 */
export const MIN_ATTRIBUTION_STEPS = 10;

export function attributionBudgetMs(measuredMs: number): number {
  return Math.max(MIN_ATTRIBUTION_MS, Math.round(ATTRIBUTION_SHARE * measuredMs));
}

export interface AttributionBudget {
  readonly budgetMs: number;
  remainingMs(): number;
  elapsedMs(): number;
  /** something that ran out of time, in words: "referrer search for bs4.element.Tag cut short at 10 s (…)" */
  cut(what: string): void;
  /** something not started for want of time: "typeCounts (settle)" */
  skip(what: string): void;
  summary(): Attribution;
}

export function createAttributionBudget(budgetMs: number, now: () => number = Date.now): AttributionBudget {
  const start = now();
  const cuts: string[] = [];
  const skipped: string[] = [];
  const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
  return {
    budgetMs,
    remainingMs: () => Math.max(0, start + budgetMs - now()),
    elapsedMs: () => now() - start,
    cut: (what) => void cuts.push(what),
    skip: (what) => void skipped.push(what),
    summary() {
      const cutShort = [...cuts];
      if (skipped.length > 0) cutShort.push(`not done within the ${seconds(budgetMs)} for naming suspects: ${skipped.join(', ')}`);
      return { budgetMs, usedMs: now() - start, cutShort };
    },
  };
}
