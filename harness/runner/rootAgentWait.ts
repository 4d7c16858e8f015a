// Waiting for the root agent of a target instance: the one nearest the process seep started (that
// process itself, unless a launcher started it), i.e. the first pid of the tree, roots first, whose
// socket appears. A tree in which nothing could load an agent is named at once, with why.
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeProcess } from '../probes/procfs.ts';
import { agentSocketOf } from './agentSockets.ts';
import type { TreeRuntimes } from './treeRuntimes.ts';

/** How long the process seep started may take to load its agent (as long as a single agent had). */
export const ROOT_CONNECT_MS = 10_000;

export interface RootAgentWait {
  dir: string;
  treePids: () => Promise<number[]>;
  runtimes: TreeRuntimes;
  signal: AbortSignal;
  procRoot: string;
}

/** the root's pid and when its connection must be made by (epoch ms); throws why none will come */
export async function waitForRootAgent({ dir, treePids, runtimes, signal, procRoot }: RootAgentWait): Promise<{ pid: number; deadline: number }> {
  const started = Date.now();
  const deadline = started + ROOT_CONNECT_MS;
  // no agent is connected and none refused yet while the root is looked for
  const findAgentless = (pids: number[]) => runtimes.findAgentless(pids, () => false, () => false);
  for (;;) {
    signal.throwIfAborted();
    const pids = await treePids();
    const pid = pids.find((p) => existsSync(agentSocketOf(dir, p)));
    if (pid !== undefined) return { pid, deadline };
    // the service is ready, so its program runs: a tree with no process that could load an agent
    // after a second (a shell's pause, a launcher's start-up) will not get one
    if (Date.now() - started >= 1000 && runtimes.candidates(pids).length === 0) {
      await findAgentless(pids);
      const blocked = runtimes.agentless().listed;
      throw new Error(blocked.length > 0
        ? blocked.map((b) => `pid ${b.pid} (${b.command}): ${b.why}`).join('; ')
        : `no process of its tree runs node or python (${(await Promise.all(pids.slice(0, 3).map((p) => describeProcess(p, procRoot)))).join('; ') || 'no process left'})`);
    }
    if (Date.now() >= deadline) {
      await findAgentless(pids);
      throw new Error(`no seep agent served in ${dir} within ${ROOT_CONNECT_MS} ms`);
    }
    await sleep(50);
  }
}
