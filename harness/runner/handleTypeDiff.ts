// Handles (a Node process's open timers, sockets, servers ...) have a type and no identity: what a run
// left behind of them is counted against the baseline by type, not by identity as processes, sockets
// and fds are (settlePhase.ts).
import type { Leftover } from '../report/runReportSchema.ts';

/** Handles have a type and no identity: the types with more open than at the baseline, most first. */
export function handleTypeDiff(before: Record<string, number>, after: Record<string, number>): Leftover[] {
  return Object.entries(after)
    .map(([type, n]) => ({ type, n, more: n - (before[type] ?? 0) }))
    .filter((x) => x.more > 0)
    .sort((a, b) => b.more - a.more || a.type.localeCompare(b.type))
    .map((x) => ({ kind: 'handle' as const, id: x.type, detail: `+${x.more}` }));
}
