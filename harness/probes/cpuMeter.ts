// CPU of a process tree as percent of one core, from utime+stime tick deltas per process.
// Processes are keyed by pid and start time so a reused pid is not taken for the old process.
import { performance } from 'node:perf_hooks';
import { readHostConstants, readUptimeSeconds, type ProcStat } from './procfs.ts';
import type { ProcFileCache } from './procFileCache.ts';

/**
 * Ticks are 10 ms, and boundary reads can come a millisecond after a timed one: over such a window
 * one tick would read as 1000 %. So the delta is taken against the newest earlier read at least
 * this old.
 */
export const MIN_WINDOW_MS = 200;
const MAX_SNAPSHOTS = 64;

interface Snapshot {
  time: number;
  /**
   * pid, start time (a reused pid is another process), ticks: three numbers per process, in the
   * tree's order. One typed array, not a Map of an object per process: a timed read makes one.
   */
  procs: Float64Array;
}

/** The ticks of that process in a snapshot, or -1. The tree's order rarely changes: index i first. */
function ticksIn(snap: Float64Array, i: number, pid: number, start: number): number {
  let at = i * 3;
  if (snap[at] !== pid) {
    at = -1;
    for (let j = 0; j < snap.length; j += 3) {
      if (snap[j] === pid) { at = j; break; }
    }
    if (at < 0) return -1;
  }
  return snap[at + 1] === start ? snap[at + 2]! : -1;
}

export interface CpuMeterOptions {
  procRoot?: string;
  /** monotonic ms; a fake in tests */
  clock?: () => number;
  ticksPerSecond?: number;
  /** /proc/uptime through a descriptor kept open (a timed sample's path) */
  files?: ProcFileCache;
}

export interface CpuMeter {
  /** null on the first read: there is no interval yet */
  measure(procs: ProcStat[]): number | null;
}

export function createCpuMeter(opts: CpuMeterOptions = {}): CpuMeter {
  const procRoot = opts.procRoot ?? '/proc';
  const clock = opts.clock ?? (() => performance.now());
  const hz = opts.ticksPerSecond ?? readHostConstants().ticksPerSecond;
  const history: Snapshot[] = [];
  const uptimeFile = `${procRoot}/uptime`;

  return {
    measure(procs) {
      const now = clock();
      const snap: Snapshot = { time: now, procs: new Float64Array(procs.length * 3) };
      for (let i = 0; i < procs.length; i++) {
        const p = procs[i]!;
        snap.procs[i * 3] = p.pid;
        snap.procs[i * 3 + 1] = p.starttime;
        snap.procs[i * 3 + 2] = p.cpuTicks;
      }

      let refAt = -1;
      for (let i = history.length - 1; i >= 0; i--) {
        if (now - history[i]!.time >= MIN_WINDOW_MS) { refAt = i; break; }
      }
      if (refAt < 0 && history.length > 0) refAt = 0; // nothing old enough yet: the longest window we have
      const ref = history[refAt];
      let percent: number | null = null;
      if (ref && now > ref.time) {
        let ticks = 0;
        let refBootTicks: number | null | undefined;
        for (let i = 0; i < procs.length; i++) {
          const p = procs[i]!;
          const before = ticksIn(ref.procs, i, p.pid, p.starttime);
          if (before >= 0) {
            ticks += Math.max(0, p.cpuTicks - before);
            continue;
          }
          // Not there at the reference read. Born since, all its ticks fall inside the window. The
          // boot clock is read only then, not at every read: the reference's is now's minus the window.
          if (refBootTicks === undefined) {
            const uptime = opts.files ? uptimeFrom(opts.files.read(uptimeFile)) : readUptimeSeconds(procRoot);
            refBootTicks = uptime === null ? null : (uptime - (now - ref.time) / 1000) * hz;
          }
          if (refBootTicks !== null && p.starttime >= refBootTicks) ticks += p.cpuTicks;
        }
        percent = (ticks / hz / ((now - ref.time) / 1000)) * 100;
      }
      if (refAt > 0) history.splice(0, refAt);
      history.push(snap);
      if (history.length > MAX_SNAPSHOTS) history.shift();
      return percent;
    },
  };
}

function uptimeFrom(text: string | null): number | null {
  return text === null ? null : Number(text.slice(0, text.indexOf(' ')));
}
