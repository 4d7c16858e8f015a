// Which processes of the tree the agents' evidence covers: the processes of a known runtime that had
// no agent answering (python -I, an environment a launcher replaced), and what that leaves out of the
// checks that sum the agents' reads. Launchers (npm, sh, make) are never among them.
import type { AgentlessProcess, ScenarioReport } from '../report/schema.ts';

export interface AgentCoverage {
  observe(procs: AgentlessProcess[], more: number): void;
  /** `anyAgent`: some process of the tree answered at a boundary */
  report(anyAgent: boolean): ScenarioReport['agentless'] | undefined;
}

export function createAgentCoverage(): AgentCoverage {
  let procs: AgentlessProcess[] = [];
  let more = 0;
  return {
    observe(p, m) {
      procs = p;
      more = m;
    },
    report(anyAgent) {
      if (procs.length === 0) return undefined;
      const unmeasured = anyAgent
        ? 'their runtime heap, per-type growth and handles are not in leak.heap, leak.types and leak.handles, which sum the processes whose agents answered, and no suspect is looked for in them'
        : 'no process of the tree had an agent answering: leak.heap, leak.types and leak.handles are not measured and no suspects are named (RSS, fds, sockets, threads and children are read from /proc as always)';
      return { processes: procs, more, unmeasured };
    },
  };
}
