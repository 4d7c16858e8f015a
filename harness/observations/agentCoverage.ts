// Which processes of the tree the agents' evidence missed: those of a known runtime with no agent
// answering (python -I, an environment a launcher replaced), folded from the stream. Launchers (npm,
// sh, make) are never among them. What that leaves out of the checks is the report's to say.
import type { AgentlessProcess } from '../report/runReportSchema.ts';

export interface AgentCoverage {
  observe(procs: AgentlessProcess[], more: number): void;
  observed(): { processes: AgentlessProcess[]; more: number };
}

export function createAgentCoverage(): AgentCoverage {
  let processes: AgentlessProcess[] = [];
  let more = 0;
  return {
    observe(p, m) {
      processes = p;
      more = m;
    },
    observed: () => ({ processes: [...processes], more }),
  };
}
