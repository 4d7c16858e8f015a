// The clock the attribution budget counts on (attributionBudget.ts): the CPU time used by the
// processes that do the looks, seep's own (histograms, the extra steps' driver), the target's with an
// agent (its heap snapshots, counts, referrer searches) and seep's other children (the heap growth
// analysis, a CLI target's invocations). Under a busy machine a look's wall time stretches with the
// load; its CPU time does not.
import { readdirSync, readFileSync } from 'node:fs';
import { readHostConstants, readStatSync } from '../probes/procfs.ts';
import type { AttributionClock } from './attributionBudget.ts';

/** seep's live children, from /proc/self/task/<tid>/children; empty where the kernel has no such file */
function ownChildren(procRoot: string): number[] {
  const pids: number[] = [];
  let tids: string[];
  try {
    tids = readdirSync(`${procRoot}/${process.pid}/task`);
  } catch {
    return pids;
  }
  for (const tid of tids) {
    try {
      for (const p of readFileSync(`${procRoot}/${process.pid}/task/${tid}/children`, 'utf8').split(' ')) if (p.trim()) pids.push(Number(p));
    } catch {
      // the thread ended, or the kernel has no children file
    }
  }
  return pids;
}

export interface LookClockOptions {
  /** the processes with an agent, whose looks are asked of them */
  agentPids(): number[];
  procRoot?: string;
  now?: () => number;
  /** seep's own CPU time in ms */
  selfCpuMs?: () => number;
}

export function lookClock(o: LookClockOptions): AttributionClock {
  const procRoot = o.procRoot ?? '/proc';
  const tickMs = 1000 / readHostConstants().ticksPerSecond;
  const selfCpuMs = o.selfCpuMs ?? (() => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  });
  /** per process (pid and start time), the CPU it had when first seen and when last read: one that ends keeps what it used */
  const seen = new Map<string, { first: number; last: number }>();
  const self0 = selfCpuMs();
  let firstRead = true;
  const read = () => {
    for (const pid of new Set([...o.agentPids(), ...ownChildren(procRoot)])) {
      const s = readStatSync(pid, procRoot);
      if (!s) continue;
      const key = `${pid}:${s.starttime}`;
      const ms = s.cpuTicks * tickMs;
      const e = seen.get(key);
      // what a process had used before the clock started is not the looks': except one started since
      if (e) e.last = ms;
      else seen.set(key, { first: firstRead ? ms : 0, last: ms });
    }
    firstRead = false;
    let sum = selfCpuMs() - self0;
    for (const e of seen.values()) sum += e.last - e.first;
    return sum;
  };
  read();
  return { wallMs: o.now ?? Date.now, cpuMs: read };
}
