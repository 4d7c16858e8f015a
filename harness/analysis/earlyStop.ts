// abortOnFail: stop a soak as soon as a check is already certain to fail, rather than run on for
// days to the same verdict. Only checks on a running maximum qualify: once a peak is over its
// budget, no later sample can bring it back (growth and trend budgets can still recover).
import type { BudgetPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';

export interface RunningMaxima {
  peakRss: number | null;
  seepPeak: number | null;
  criticalAlerts: number;
}

export function createEarlyStop(budgets: BudgetPlan, hasCritical: boolean): (m: RunningMaxima) => string | null {
  const peak = budgets.peakRss?.value ?? null;
  const seep = budgets.seepRss.value;
  return (m) => {
    if (peak !== null && m.peakRss !== null && m.peakRss > peak) return `budget.peakRss: RSS reached ${formatBytes(m.peakRss)}, over the ${formatBytes(peak)} budget`;
    if (m.seepPeak !== null && m.seepPeak > seep) return `budget.seepRss: seep's own RSS reached ${formatBytes(m.seepPeak)}, over the ${formatBytes(seep)} budget`;
    if (hasCritical && m.criticalAlerts > 0) return 'alert.rss.critical: RSS crossed the critical threshold';
    return null;
  };
}
