// The target's process tree: the roots seep started and every descendant still parented inside it.
// Processes come and go between reads; a pid that vanishes is skipped, never an error.
import { readFileSync, readdirSync } from 'node:fs';
import { isVanished, listPids, parseStat, readStatSync, type ProcStat } from './procfs.ts';
import type { ProcFileCache } from './procFileCache.ts';

export interface ProcInfo extends ProcStat {
  /** true for one of the pids seep started (as given by the caller) */
  isRoot: boolean;
}

// Whether the kernel has /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN), per /proc root.
const childrenFileSupport = new Map<string, boolean>();

/**
 * The roots and all their descendants, roots first, then breadth-first. With `files`, the tree's own
 * files are read through descriptors kept open (a timed sample's path: see procFileCache.ts).
 */
export async function listTree(rootPids: number[], procRoot = '/proc', files?: ProcFileCache): Promise<ProcInfo[]> {
  return listTreeSync(rootPids, procRoot, files);
}

export function listTreeSync(rootPids: number[], procRoot = '/proc', files?: ProcFileCache): ProcInfo[] {
  const roots = [...new Set(rootPids)];
  const supported = childrenFileSupport.get(procRoot) ?? probeChildrenFile(roots, procRoot);
  if (!supported) return scanParents(roots, procRoot);
  const read = files ? files.read : (path: string) => readOrNull(path);
  return walkChildrenFiles(roots, procRoot, read);
}

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

function probeChildrenFile(roots: number[], procRoot: string): boolean | undefined {
  for (const pid of roots) {
    try {
      readFileSync(`${procRoot}/${pid}/task/${pid}/children`);
      childrenFileSupport.set(procRoot, true);
      return true;
    } catch (err) {
      if (!isVanished(err)) throw err;
      // The children file is missing while the process is still there: the kernel lacks it.
      if (readStatSync(pid, procRoot)) {
        childrenFileSupport.set(procRoot, false);
        return false;
      }
    }
  }
  return undefined; // no live root to ask; a scan gives the same answer
}

/** Fast path: only the tree's own files are read, whatever else runs on the host. */
function walkChildrenFiles(roots: number[], procRoot: string, read: (path: string) => string | null): ProcInfo[] {
  const out: ProcInfo[] = [];
  const seen = new Set<number>();
  const queue: { pid: number; parent: number | null }[] = roots.map((pid) => ({ pid, parent: null }));
  while (queue.length > 0) {
    const { pid, parent } = queue.shift()!;
    if (seen.has(pid)) continue;
    const text = read(`${procRoot}/${pid}/stat`);
    const stat = text === null ? null : parseStat(text);
    // A child listed a moment ago may have been reaped and its pid reused by a stranger.
    if (!stat || (parent !== null && stat.ppid !== parent)) continue;
    seen.add(pid);
    // parseStat's object is this read's own: made a ProcInfo in place, not copied (a timed sample's path)
    const info = stat as ProcInfo;
    info.isRoot = parent === null;
    out.push(info);
    for (const child of readChildren(stat, procRoot, read)) queue.push({ pid: child, parent: pid });
  }
  return out;
}

/**
 * A child's parent is the thread that forked it, so every thread's list is read. A process of one
 * thread has no other task than itself, and its task directory is not listed (4.5 µs a listing).
 */
function readChildren(stat: ProcStat, procRoot: string, read: (path: string) => string | null): number[] {
  const { pid } = stat;
  const children: number[] = [];
  let tids: string[];
  if (stat.numThreads === 1) tids = [String(pid)];
  else {
    try {
      tids = readdirSync(`${procRoot}/${pid}/task`);
    } catch (err) {
      if (isVanished(err)) return children;
      throw err;
    }
  }
  for (const tid of tids) {
    const text = read(`${procRoot}/${pid}/task/${tid}/children`)?.trim();
    if (text) for (const c of text.split(' ')) children.push(Number(c));
  }
  return children;
}

/** Fallback: read every process's ppid and walk down from the roots. */
function scanParents(roots: number[], procRoot: string): ProcInfo[] {
  const stats = new Map<number, ProcStat>();
  const childrenOf = new Map<number, number[]>();
  for (const pid of listPids(procRoot)) {
    const stat = readStatSync(pid, procRoot);
    if (!stat) continue;
    stats.set(pid, stat);
    const siblings = childrenOf.get(stat.ppid);
    if (siblings) siblings.push(pid);
    else childrenOf.set(stat.ppid, [pid]);
  }
  const out: ProcInfo[] = [];
  const seen = new Set<number>();
  const queue = roots.map((pid) => ({ pid, isRoot: true }));
  while (queue.length > 0) {
    const { pid, isRoot } = queue.shift()!;
    const stat = stats.get(pid);
    if (!stat || seen.has(pid)) continue;
    seen.add(pid);
    out.push({ ...stat, isRoot });
    for (const child of childrenOf.get(pid) ?? []) queue.push({ pid: child, isRoot: false });
  }
  return out;
}
