// The CPU a step costs the target, read around the step: the ticks of the target's processes
// (utime+stime of each one there before and after it, pid and start time matched) and those of the
// commands seep ran and reaped meanwhile (cutime+cstime of seep's own /proc/self/stat: an exec
// step's process has exited by the step's end, and only its parent's counters keep its CPU).
// Not seep's own CPU: its timed samples come at a pace of wall time, so a step a busy machine
// slows would cost seep more. Wall time waits for a CPU as long as the machine is busy; CPU time
// does not, which is what analysis/stepTime.ts needs to tell load from a step that does more work.
import { readHostConstants, readStatSync } from './procfs.ts';

export interface StepCpuMark {
  reaped: number;
  /** pid, start time, ticks: three numbers per process */
  procs: number[];
}

export interface StepCpuMeter {
  /** before the step, with the target's processes as last seen */
  mark(pids: readonly number[]): StepCpuMark;
  /** the CPU spent since the mark, in ms */
  since(mark: StepCpuMark): number;
}

export function createStepCpuMeter(opts: { procRoot?: string; self?: number; ticksPerSecond?: number } = {}): StepCpuMeter {
  const procRoot = opts.procRoot ?? '/proc';
  const self = opts.self ?? process.pid;
  const msPerTick = 1000 / (opts.ticksPerSecond ?? readHostConstants().ticksPerSecond);
  // seep's own stat is always there: a failure to read it is not a vanished process
  const reaped = (): number => readStatSync(self, procRoot)?.reapedTicks ?? 0;
  return {
    mark(pids) {
      const procs: number[] = [];
      for (const pid of pids) {
        const s = readStatSync(pid, procRoot);
        if (s) procs.push(pid, s.starttime, s.cpuTicks);
      }
      return { reaped: reaped(), procs };
    },
    since(mark) {
      let ticks = Math.max(0, reaped() - mark.reaped);
      for (let i = 0; i < mark.procs.length; i += 3) {
        const s = readStatSync(mark.procs[i]!, procRoot);
        // gone, or a reused pid: its ticks in the step are unknown (an exited child's are in reaped)
        if (s && s.starttime === mark.procs[i + 1]) ticks += Math.max(0, s.cpuTicks - mark.procs[i + 2]!);
      }
      return ticks * msPerTick;
    },
  };
}
