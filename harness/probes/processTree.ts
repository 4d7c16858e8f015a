// The target's process tree: the roots seep started and every descendant still parented inside it.
// Processes come and go between reads; a pid that vanishes is skipped, never an error. seep's own
// process, with its children, is never part of it: the target of `seep caller` (a test process) and a
// process attached to may be seep's ancestors.
import { readFileSync, readdirSync } from 'node:fs';
import { isVanished, listPids, parseStatBytes, readStatSync, type ProcStat } from './procfs.ts';
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
  return walkChildrenFiles(roots, procRoot, files ?? readWholeFiles());
}

/** seep's own pid in the real /proc; none in a tree a test made up */
const ownPid = (procRoot: string) => (procRoot === '/proc' ? process.pid : -1);

/** What the walk reads through: a ProcFileCache, or files opened, read and closed each time. */
type BytesReader = Pick<ProcFileCache, 'readBytes' | 'buffer'>;

function readWholeFiles(): BytesReader {
  let buffer = Buffer.alloc(0);
  return {
    readBytes(path) {
      try {
        buffer = readFileSync(path);
        return buffer.length;
      } catch (err) {
        if (isVanished(err)) return -1;
        throw err;
      }
    },
    get buffer() {
      return buffer;
    },
  };
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

/**
 * Fast path: only the tree's own files are read, whatever else runs on the host. Each is parsed in
 * the reader's buffer, as bytes: the stat line and the children list make no strings.
 */
function walkChildrenFiles(roots: number[], procRoot: string, files: BytesReader): ProcInfo[] {
  const out: ProcInfo[] = [];
  // pids to visit, each beside the parent it was listed under (0: a root)
  const queue: number[] = [];
  for (const pid of roots) queue.push(pid, 0);
  for (let q = 0; q < queue.length; q += 2) {
    const pid = queue[q]!;
    const parent = queue[q + 1]!;
    if (out.some((p) => p.pid === pid)) continue; // a tree is tens of processes: a scan beats a Set
    if (parent !== 0 && pid === ownPid(procRoot)) continue;
    const n = files.readBytes(`${procRoot}/${pid}/stat`);
    if (n < 0) continue;
    const stat = parseStatBytes(files.buffer, n);
    // A child listed a moment ago may have been reaped and its pid reused by a stranger.
    if (parent !== 0 && stat.ppid !== parent) continue;
    // parseStatBytes's object is this read's own: made a ProcInfo in place, not copied
    const info = stat as ProcInfo;
    info.isRoot = parent === 0;
    out.push(info);
    readChildren(stat, procRoot, files, queue);
  }
  return out;
}

/**
 * Queues the children of a process, each followed by its pid. A child's parent is the thread that
 * forked it, so every thread's list is read. A process of one thread has no other task than itself,
 * and its task directory is not listed (4.5 µs a listing).
 */
function readChildren(stat: ProcStat, procRoot: string, files: BytesReader, queue: number[]): void {
  const { pid } = stat;
  let tids: string[];
  if (stat.numThreads === 1) tids = [String(pid)];
  else {
    try {
      tids = readdirSync(`${procRoot}/${pid}/task`);
    } catch (err) {
      if (isVanished(err)) return;
      throw err;
    }
  }
  for (const tid of tids) {
    const n = files.readBytes(`${procRoot}/${pid}/task/${tid}/children`);
    // '123 456 ' : pids, each followed by a space
    const buf = files.buffer;
    let child = 0;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) child = child * 10 + (c - 48);
      else if (child > 0) {
        queue.push(child, pid);
        child = 0;
      }
    }
    if (child > 0) queue.push(child, pid);
  }
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
    for (const child of childrenOf.get(pid) ?? []) if (child !== ownPid(procRoot)) queue.push({ pid: child, isRoot: false });
  }
  return out;
}
