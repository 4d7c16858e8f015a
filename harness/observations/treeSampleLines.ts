// Turns the sampler's samples into stream lines for a tree whose processes come and go: the pid
// set is written only when it changes, RSS per pid only when there is more than one (so worker
// lifetimes can be rebuilt), and each new pid is named once with its command line.
import type { Sample } from '../report/sampleSchema.ts';
import { encodeSample, type SampleLine } from '../series/sampleStream.ts';
import { readCmdline, readHostConstants, readStatSync } from '../probes/procfs.ts';

export interface TreeLines {
  encode(s: Sample, kind: 'b' | 't'): { line: SampleLine; newPids: number[] };
  /** the command line of a pid, or '' when it is already gone */
  command(pid: number): Promise<string>;
}

export function createTreeLines(procRoot = '/proc'): TreeLines {
  const { pageSize } = readHostConstants();
  let last = '';
  let lastSet = new Set<number>();
  return {
    encode(s, kind) {
      const key = s.pids.join(',');
      const changed = key !== last;
      const newPids = changed ? s.pids.filter((p) => !lastSet.has(p)) : [];
      if (changed) {
        last = key;
        lastSet = new Set(s.pids);
      }
      // A read a moment after the sampler's: close enough for a per-worker peak, and it costs one
      // small file per process rather than a second tree walk.
      const perPid = s.pids.length > 1 ? s.pids.map((pid) => (readStatSync(pid, procRoot)?.rssPages ?? 0) * pageSize) : undefined;
      return { line: encodeSample(s, kind, changed, perPid), newPids };
    },
    async command(pid) {
      return ((await readCmdline(pid, procRoot)) ?? []).join(' ');
    },
  };
}
