// Warnings as suspects: what the agents recorded, grouped by what and where. Pure: the judge groups
// the warnings of `seep run` and of `seep judge` the same way.
import type { WarningRecord } from '../report/suspectEvidenceSchema.ts';
import { pythonWarningCandidates } from './pythonWarnings.ts';
import type { WarningCandidate } from './suspects.ts';

/** `firstNew`: the index of the first warning raised after the first look (the ones before came in the warmup). */
export function warningCandidates(runtime: 'node' | 'python', records: WarningRecord[], firstNew: number): WarningCandidate[] {
  if (runtime === 'python') {
    return pythonWarningCandidates(records.map((w) => ({ category: w.name, message: w.message, site: w.site ?? '', allocated: w.stack, ...(w.type ? { type: w.type } : {}) })), firstNew);
  }
  const byName = new Map<string, WarningCandidate>();
  for (const [i, w] of records.entries()) {
    const name = w.name === 'MaxListenersExceededWarning' ? `${w.name}: ${w.count ?? '?'} '${w.event ?? '?'}' listeners on ${w.emitter ?? 'an emitter'}` : `${w.name}: ${w.message.slice(0, 120)}`;
    const e = byName.get(name) ?? { runtime: 'node' as const, name, occurrences: 0, total: 0, where: [...w.stack].reverse() };
    e.total++;
    if (i >= firstNew) e.occurrences++;
    byName.set(name, e);
  }
  return [...byName.values()];
}
