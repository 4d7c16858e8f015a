// What a summary says about how the target was started and run, beside its checks: processes of a
// known runtime with no agent answering (and the checks that leaves without their evidence), what
// it printed while starting, and step requests retried after a worker was recycled under them.
// Read from the report only.
import type { ScenarioReport } from '../report/runReportSchema.ts';
import { formatDuration, formatValue } from './formatValue.ts';

/** One line per process with no agent answering, then what that leaves unmeasured; none when all answered. */
export function agentlessLines(s: ScenarioReport): string[] {
  const a = s.agentless;
  if (!a) return [];
  const lines = a.processes.map((p) => `no agent in pid ${p.pid} (${p.runtime}: ${p.command}): ${p.why}`);
  if (a.more > 0) lines.push(`no agent in ${a.more} more process${a.more === 1 ? '' : 'es'} of the tree`);
  lines.push(a.unmeasured);
  return lines;
}

/** What the target printed before its first step, reported and not judged; null when it printed no known warning then. */
export function startupText(s: ScenarioReport): string | null {
  const counts = Object.entries(s.output.startupWarningCounts ?? {}).filter(([, n]) => n > 0);
  if (counts.length === 0) return null;
  const when = s.startup ? ` in its ${formatDuration(s.startup.ms)} of start-up` : ' while starting';
  const what = counts.map(([name, n]) => {
    const first = s.output.startupWarningExamples?.[name]?.[0];
    return `${name} x${n}${first ? ` (${first.length > 120 ? `${first.slice(0, 117)}...` : first})` : ''}`;
  });
  return `printed${when}, before the first step (start-up: reported, not judged): ${what.join('; ')}`;
}

/** Step requests retried after a worker exited under them; null when none was. */
export function retriesText(s: ScenarioReport): string | null {
  const r = s.retries;
  if (!r) return null;
  const first = r.list[0]!;
  const pids = [...new Set(r.list.map((x) => x.pid))];
  return `${r.count} step request${r.count === 1 ? ' was' : 's were'} retried once on a new connection after a worker exited under ${r.count === 1 ? 'it' : 'them'} (recycled: pid ${pids.slice(0, 5).join(', ')}${pids.length > 5 ? ', …' : ''}); first: ${first.request} ${first.error} at ${formatDuration(first.t)}`;
}

/** The start-up phase in a line: how long until the first step, and the tree as it ended; null when the stream did not mark it. */
export function startupFacts(s: ScenarioReport): string | null {
  const st = s.startup;
  if (!st) return null;
  const at = st.at;
  const tree = at
    ? [at.rss === null ? null : `RSS ${formatValue(at.rss, 'B')}`, at.fds === null ? null : `${at.fds} fds`, at.sockets === null ? null : `${at.sockets} sockets`,
      at.threads === null ? null : `${at.threads} threads`, at.children === null ? null : `${at.children} children`].filter(Boolean).join(', ')
    : '';
  return `start-up: ${formatDuration(st.ms)} from the start to the first step (readiness and setup included)${tree ? `; the tree then: ${tree}` : ''}; not judged`;
}
