// budget.memoryLimit: the target ran in a memory cgroup with the scenario's limit, as a container
// does; an OOM kill under it fails the run, whatever RSS said. Pure.
import type { Check } from '../report/runReportSchema.ts';
import type { Limit } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { formatElapsed } from './soakChecks.ts';

export function memoryLimitCheck(obs: Observations, limit: Limit<'B'>): Check {
  const b = obs.series.boundaries.values.cgroupMemory;
  const t = obs.series.timed.values.cgroupMemory;
  let peak: number | null = obs.oomKills?.first?.usage ?? null;
  for (const v of [...b, ...t]) if (v !== null && v !== undefined && (peak === null || v > peak)) peak = v;
  if (peak === null) {
    return notMeasured('budget.memoryLimit', 'rss', limit, 'B', 'the target ran without its memory cgroup; the run notes say why');
  }
  const kills = obs.oomKills?.count ?? 0;
  const first = obs.oomKills?.first;
  return {
    id: 'budget.memoryLimit', resource: 'rss', kind: 'budget', limit: limit.written, limitValue: limit.value, observed: peak, unit: 'B',
    series: 'cgroupMemory', limitLine: limit.value, pass: kills === 0,
    message: kills === 0
      ? `the memory cgroup peaked at ${formatBytes(peak)} of its ${limit.written} limit; no OOM kill`
      : `OOM-killed ${kills} time${kills === 1 ? '' : 's'} under the ${limit.written} memoryLimit, first at ${formatElapsed(first?.t ?? 0)}` +
        (first?.usage != null ? ` with the cgroup at ${formatBytes(first.usage)}` : ''),
  };
}
