// Once the target is stopped (or a CLI step has returned), whatever still carries the run cookie
// outlived it. Processes get a moment to finish exiting (a child the target just signalled), then
// the rest are orphans: named, and killed. `spare` (the tree of a process seep attached to) is
// neither: it was there before seep, and stays after it.
import type { Leftover } from '../report/runReportSchema.ts';
import { findByCookie } from '../probes/runCookie.ts';
import { killTree } from '../probes/killTree.ts';
import { sleep } from './raceStep.ts';

export async function collectOrphans(cookie: string, lingerMs = 1000, spare: number[] = []): Promise<Leftover[]> {
  const end = Date.now() + lingerMs;
  const ours = async () => (await findByCookie(cookie)).filter((pid) => !spare.includes(pid));
  while ((await ours()).length > 0 && Date.now() < end) await sleep(50);
  return killTree([], cookie, { spare });
}
