// "Back to baseline" by identity, not count (goleak): which processes, sockets and fds are there
// now that were not at the baseline.
import type { Leftover } from '../report/runReportSchema.ts';

export interface Identities {
  processes: Leftover[];
  sockets: Leftover[];
  fds: Leftover[];
}

export function identityDiff(before: Identities, after: Identities): Identities {
  const diff = (a: Leftover[], b: Leftover[]) => {
    const seen = new Set(a.map((x) => x.id));
    return b.filter((x) => !seen.has(x.id));
  };
  return {
    processes: diff(before.processes, after.processes),
    sockets: diff(before.sockets, after.sockets),
    fds: diff(before.fds, after.fds),
  };
}

/** Handles have a type and no identity: the types with more open than at the baseline, most first. */
export function handleTypeDiff(before: Record<string, number>, after: Record<string, number>): Leftover[] {
  return Object.entries(after)
    .map(([type, n]) => ({ type, n, more: n - (before[type] ?? 0) }))
    .filter((x) => x.more > 0)
    .sort((a, b) => b.more - a.more || a.type.localeCompare(b.type))
    .map((x) => ({ kind: 'handle' as const, id: x.type, detail: `+${x.more}` }));
}
