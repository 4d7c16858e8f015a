// Once the target is stopped (or a CLI step has returned), whatever still carries the run cookie
// outlived it. Processes get a moment to finish exiting (a child the target just signalled), then
// the rest are orphans: named, and killed.
import type { Leftover } from '../report/schema.ts';
import { findByCookie } from '../probes/runCookie.ts';
import { killTree } from '../probes/killTree.ts';
import { sleep } from './raceStep.ts';

export async function collectOrphans(cookie: string, lingerMs = 1000): Promise<Leftover[]> {
  const end = Date.now() + lingerMs;
  while ((await findByCookie(cookie)).length > 0 && Date.now() < end) await sleep(50);
  return killTree([], cookie);
}
