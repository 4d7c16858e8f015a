// What a summary says about how the target was started and run, beside its checks: processes of a
// known runtime with no agent answering (and the checks that leaves without their evidence), what
// it printed while starting, and step requests retried after a worker was recycled under them.
// Read from the report only.
import type { ScenarioReport } from '../report/schema.ts';

/** One line per process with no agent answering, then what that leaves unmeasured; none when all answered. */
export function agentlessLines(s: ScenarioReport): string[] {
  const a = s.agentless;
  if (!a) return [];
  const lines = a.processes.map((p) => `no agent in pid ${p.pid} (${p.runtime}: ${p.command}): ${p.why}`);
  if (a.more > 0) lines.push(`no agent in ${a.more} more process${a.more === 1 ? '' : 'es'} of the tree`);
  lines.push(a.unmeasured);
  return lines;
}
