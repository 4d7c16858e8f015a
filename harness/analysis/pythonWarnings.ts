// Python warnings as suspects: what the agent saw the target raise, grouped by what and where, or
// as it counted them (every occurrence). Pure: the suspect collector groups the warnings of every
// Python target with it.
import type { AgentWarningGroup } from '../series/sampleStream.ts';
import type { WarningCandidate } from './suspects.ts';
import type { PyWarning } from '../agents/suspectCollector.ts';

/** Python warnings grouped by what and where: "ResourceWarning: unclosed <socket.socket> at cli.py:41". */
export function pythonWarningCandidates(warnings: PyWarning[], firstNew: number): WarningCandidate[] {
  const byName = new Map<string, WarningCandidate>();
  for (const [i, w] of warnings.entries()) {
    // "unclosed <socket.socket fd=7, ...>": the fd and addresses differ per occurrence
    // ("subprocess 4242 is still running": so do pids)
    // ("<aiohttp.client.ClientSession object at 0x7fa5...>": so do addresses)
    const what = w.message.split(/[\n,]/)[0]!.replace(/ fd=\d+/, '').replace(/ object at 0x[0-9a-f]+/g, '').replace(/\b\d+\b/g, 'N').slice(0, 80);
    // the class named, unless the message names it already: "Unclosed client session" alone does not say which
    const type = w.type && !what.includes(w.type.split('.').pop()!) ? ` (${w.type})` : '';
    const name = `${w.category}: ${what}${type} at ${w.site || '(unknown site)'}`;
    const e = byName.get(name) ?? { runtime: 'python' as const, name, occurrences: 0, total: 0, where: w.allocated };
    e.total++;
    if (i >= firstNew) e.occurrences++;
    byName.set(name, e);
  }
  return [...byName.values()];
}

/** The suspects' name of a warning the agent counted: "ResourceWarning: unclosed <socket.socket> at cli.py:41". */
export function countedWarningName(g: Pick<AgentWarningGroup, 'category' | 'what' | 'type' | 'site' | 'raisedAt'>): string {
  const type = g.type && !g.what.includes(g.type.split('.').pop()!) ? ` (${g.type})` : '';
  return `${g.category}: ${g.what}${type} at ${g.site || g.raisedAt || '(unknown site)'}`;
}
