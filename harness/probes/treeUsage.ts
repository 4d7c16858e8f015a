// What pidusage gives, for a whole tree: rss and cpu, and with them the thread and child counts that
// come from the same /proc/PID/stat lines. One pread of a kept-open stat file per process (utime and
// stime are its fields 14 and 15, rss in pages its field 24) and one of its children list, parsed in
// place; no statm, no status, and /proc/uptime only when a process was born since the last read
// (cpuMeter takes its interval from the monotonic clock). The sampler's timed and boundary reads
// start here, and the samplerCost bench times this same function against pidusage.
import { createCpuMeter, type CpuMeter } from './cpuMeter.ts';
import { readHostConstants } from './procfs.ts';
import { createProcFileCache, type ProcFileCache } from './procFileCache.ts';
import { listTreeSync, type ProcInfo } from './processTree.ts';

export interface TreeUsage {
  /** roots first, then breadth-first */
  procs: ProcInfo[];
  rssBytes: number;
  threads: number;
  /** processes of the tree that are not roots */
  children: number;
  /** percent of one core since an earlier read; null on the first */
  cpuPercent: number | null;
}

export interface TreeUsageReader {
  read(rootPids: number[]): TreeUsage;
  /** closes the files kept open; a later read opens what it needs again */
  close(): void;
}

export interface TreeUsageOptions {
  procRoot?: string;
  files?: ProcFileCache;
  cpu?: CpuMeter;
}

export function createTreeUsageReader(opts: TreeUsageOptions = {}): TreeUsageReader {
  const procRoot = opts.procRoot ?? '/proc';
  const files = opts.files ?? createProcFileCache();
  const cpu = opts.cpu ?? createCpuMeter({ procRoot, files });
  const { pageSize } = readHostConstants();
  return {
    read(rootPids) {
      const procs = listTreeSync(rootPids, procRoot, files);
      files.sweep(); // the files of processes that left the tree
      let rssPages = 0;
      let threads = 0;
      let children = 0;
      for (const p of procs) {
        rssPages += p.rssPages;
        threads += p.numThreads;
        if (!p.isRoot) children += 1;
      }
      return { procs, rssBytes: rssPages * pageSize, threads, children, cpuPercent: cpu.measure(procs) };
    },
    close: () => files.close(),
  };
}
