// Which processes of a target's tree run a runtime that could serve seep's agent, read from /proc
// once per process (processRuntime.ts), and those of them that serve none, each named once with
// why: a launcher such as npm says so itself and is not one; python -I cannot load it; one that
// never answered, or whose socket refused the connection.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NODE_AGENT, PYTHON_AGENT_DIR } from '../agents/suspectCollector.ts';
import { processRuntime, type ProcessRuntime, type Runtime } from '../probes/processRuntime.ts';
import { describeProcess, readStatSync } from '../probes/procfs.ts';
import type { AgentlessProcess } from '../report/runReportSchema.ts';
import { agentSocketOf } from './agentSockets.ts';

/**
 * How long a process of a known runtime may live in the tree with no socket before it is named as
 * agentless: the agent binds before the program's own code runs, in well under a second.
 */
export const SILENT_AFTER_MS = 3000;
/** agentless processes kept for the report; a tree that forks one per request has them counted beyond */
const MAX_AGENTLESS = 20;

const MARKS = { pythonPath: PYTHON_AGENT_DIR, nodeRequire: NODE_AGENT };

interface Seen {
  starttime: number;
  firstSeen: number;
  info: ProcessRuntime | null;
}

export interface TreeRuntimes {
  /** what /proc says of pid, read once per process (a pid reused by another process is read again) */
  classify(pid: number): ProcessRuntime | null;
  /** the processes that could still load an agent: a known runtime, not a launcher, nothing in the way */
  candidates(pids: number[]): number[];
  /** names the processes of the tree that run a runtime, are not launchers and serve no agent, once it is clear */
  findAgentless(treePids: number[], served: (pid: number) => boolean, refused: (pid: number) => boolean): Promise<void>;
  /** forgets what was read of processes no longer in the tree */
  forgetGone(inTree: Set<number>): void;
  agentless(): { listed: AgentlessProcess[]; more: number };
}

export function createTreeRuntimes(dir: string, procRoot: string): TreeRuntimes {
  const seen = new Map<number, Seen>();
  const agentless = new Map<string, AgentlessProcess>();
  let moreAgentless = 0;

  function classify(pid: number): ProcessRuntime | null {
    const starttime = readStatSync(pid, procRoot)?.starttime;
    if (starttime === undefined) return null;
    const known = seen.get(pid);
    if (known && known.starttime === starttime) return known.info;
    const info = processRuntime(pid, MARKS, procRoot);
    seen.set(pid, { starttime, firstSeen: Date.now(), info });
    return info;
  }

  const isLauncher = (pid: number) => existsSync(path.join(dir, `${pid}.launcher`));

  async function note(pid: number, runtime: Runtime, why: string): Promise<void> {
    const key = `${pid}:${seen.get(pid)?.starttime ?? 0}`;
    if (agentless.has(key)) return;
    if (agentless.size >= MAX_AGENTLESS) {
      moreAgentless++;
      return;
    }
    agentless.set(key, { pid, runtime, command: await describeProcess(pid, procRoot), why });
  }

  return {
    classify,
    candidates: (pids) => pids.filter((p) => {
      const info = classify(p);
      return info?.runtime && !info.blocked && !isLauncher(p);
    }),
    async findAgentless(treePids, served, refused) {
      for (const pid of treePids) {
        if (served(pid)) continue;
        const info = classify(pid);
        if (!info?.runtime || isLauncher(pid)) continue;
        if (info.blocked) await note(pid, info.runtime, info.blocked);
        else if (refused(pid)) await note(pid, info.runtime, `its agent's socket (${agentSocketOf(dir, pid)}) refused the connection`);
        else if (!existsSync(agentSocketOf(dir, pid)) && Date.now() - seen.get(pid)!.firstSeen >= SILENT_AFTER_MS) {
          await note(pid, info.runtime, `no agent served in it within ${SILENT_AFTER_MS / 1000} s, though its environment carries it (a runtime build that ignores ${info.runtime === 'node' ? 'NODE_OPTIONS' : 'PYTHONPATH'}?)`);
        }
      }
    },
    forgetGone(inTree) {
      for (const pid of [...seen.keys()]) if (!inTree.has(pid)) seen.delete(pid);
    },
    agentless: () => ({ listed: [...agentless.values()], more: moreAgentless }),
  };
}
