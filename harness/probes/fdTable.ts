// What the sampler knows of each process's open fds, kept from read to read, so that a read does
// per-fd work only where something changed. A read of /proc/PID/fd whole costs a readlink per fd:
// for a tree holding 10,000 connections (20,000 fds) 95 ms of readlinks and 20 ms of listing, the
// kernel's, at every timed read (issue #24). Instead:
// - the kernel's count of a process's open fds is one stat of /proc/PID/fd (its size, since Linux
//   6.2; 0.01 ms whatever the count). While it is the count known, a timed read lists nothing;
// - when it moved, the directory is listed and only the new fd numbers' links are read; a closed
//   number drops out. Where a listing is dear (10 ms for 10,000 fds), timed reads list a process at
//   most 1% of the wall time: between, they report the kernel's count beside the kinds of its last
//   listing;
// - a boundary always lists when the count moved, and re-reads known links in rotation, up to
//   VERIFY_PER_BOUNDARY of them (all of a tree of fewer): an fd closed and its number reused between
//   two reads (same count, another file) is seen there. A tree of fewer fds is read as exactly at
//   every boundary as by a whole read; a bigger one within count / VERIFY_PER_BOUNDARY boundaries.
// Without the count (an older kernel, a fake /proc in tests) every read lists, as before.
// Each entry keeps the read at which it was first seen, so another probe (disk: files open for
// writing) can do its own per-fd work for new entries only.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { classifyFd, type FdKind } from './fds.ts';
import { errorCode, isVanished } from './procfs.ts';

/** Links re-read per boundary across the tree: 128 cost under 1 ms of CPU here. */
export const VERIFY_PER_BOUNDARY = 128;
/**
 * The share of wall time timed reads may spend listing an fd directory whose count moved, once it
 * holds LIST_FREE_FDS or more (a listing of 1,000 costs 1 ms here): a smaller one is listed at every
 * change, whatever a loaded machine makes that cost.
 */
const LIST_SHARE = 0.01;
const LIST_FREE_FDS = 1000;

export interface KnownFd {
  /** the link target: '/tmp/x', 'socket:[123]', 'pipe:[45]', 'anon_inode:[eventfd]' */
  target: string;
  kind: FdKind;
  /** the socket's inode, 0 for other kinds */
  inode: number;
  /** the tree read at which this fd (with this target) was first seen */
  since: number;
}

export interface ProcessFds {
  pid: number;
  /** with pid, tells a reused pid from the process it was */
  starttime: number;
  /** fd number -> what it is, as of the last listing and the links re-read since */
  entries: Map<number, KnownFd>;
  counts: Record<FdKind, number>;
  /** the kernel's count at this read: ahead of `entries` when a timed read did not list */
  open: number;
}

export interface TreeFds {
  byPid: Map<number, ProcessFds>;
  /** the kernel's count over the tree */
  open: number;
  /** by kind, as of the processes' last listings */
  counts: Record<FdKind, number>;
  /** bumped whenever an fd of the tree was opened, closed or replaced, or a process came or went */
  version: number;
  /** socket inodes by pid (built when asked: 20,000 fds take 0.5 ms) */
  socketInodes(): Map<number, number[]>;
}

export type TreeFdResult = { ok: true; fds: TreeFds } | { ok: false; pid: number; error: string };

export interface FdTableOptions {
  procRoot: string;
  /** whether the kernel's count may be used (default: on a real /proc that gives one) */
  kernelCount?: boolean;
  now?: () => number;
}

export interface FdTable {
  /**
   * The fds of the given live processes. A process whose fd directory cannot be read makes the
   * whole read fail (a count missing a process would look like one that closed everything),
   * unless it is gone: `isGone` is asked then.
   */
  read(procs: { pid: number; starttime: number }[], boundary: boolean, isGone: (pid: number) => boolean): TreeFdResult;
  /** how many directory listings and link reads the reads so far have made */
  work(): { listings: number; links: number };
}

interface Entry extends ProcessFds {
  listed: boolean;
  lastListAt: number;
  listMs: number;
  /** where the next boundary's re-reading of links starts, in `order` */
  cursor: number;
  /** the fd numbers, made again only after one was added or removed */
  order: number[] | null;
}

const emptyCounts = (): Record<FdKind, number> => ({ file: 0, socket: 0, pipe: 0, other: 0 });

class FdReadError extends Error {
  constructor(readonly pid: number, message: string) {
    super(message);
  }
}

/** whether stat of /proc/PID/fd gives the number of open fds (Linux 6.2+); 0 before */
function kernelCounts(procRoot: string): boolean {
  if (procRoot !== '/proc') return false;
  try {
    return statSync('/proc/self/fd').size > 0;
  } catch {
    return false;
  }
}

export function createFdTable(opts: FdTableOptions): FdTable {
  const { procRoot } = opts;
  const now = opts.now ?? (() => performance.now());
  const counted = opts.kernelCount ?? kernelCounts(procRoot);
  const known = new Map<number, Entry>();
  let version = 0;
  let reads = 0;
  let listings = 0;
  let links = 0;

  function add(e: Entry, fd: number, target: string): void {
    const kind = classifyFd(target);
    if (!e.entries.has(fd)) e.order = null;
    e.entries.set(fd, { target, kind, inode: kind === 'socket' ? Number(target.slice(8, -1)) : 0, since: reads });
    e.counts[kind] += 1;
  }

  function remove(e: Entry, fd: number): void {
    const old = e.entries.get(fd);
    if (!old) return;
    e.entries.delete(fd);
    e.order = null;
    e.counts[old.kind] -= 1;
  }

  /** the link of fd, null when it is closed; throws FdReadError when it cannot be read */
  function link(e: Entry, fd: number): string | null {
    links += 1;
    const path = `${procRoot}/${e.pid}/fd/${fd}`;
    try {
      return readlinkSync(path);
    } catch (err) {
      if (isVanished(err)) return null;
      throw new FdReadError(e.pid, `cannot read ${path}: ${errorCode(err)}`);
    }
  }

  /** lists the directory: reads the links of new numbers, drops closed ones; true when something changed */
  function list(e: Entry): boolean {
    const t0 = now();
    const dir = `${procRoot}/${e.pid}/fd`;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (err) {
      throw new FdReadError(e.pid, `cannot read ${dir}: ${errorCode(err)}`);
    }
    listings += 1;
    let changed = !e.listed;
    const open = new Set<number>();
    for (const name of names) {
      const fd = Number(name);
      open.add(fd);
      if (e.entries.has(fd)) continue;
      const target = link(e, fd);
      if (target === null) continue; // closed between the listing and the readlink: not open
      add(e, fd, target);
      changed = true;
    }
    for (const fd of e.entries.keys()) {
      if (open.has(fd)) continue;
      remove(e, fd);
      changed = true;
    }
    e.listed = true;
    e.lastListAt = now();
    e.listMs = e.lastListAt - t0;
    return changed;
  }

  /** re-reads up to n known links from the cursor on; true when one was closed or replaced */
  function verify(e: Entry, n: number): { changed: boolean; closed: boolean } {
    const fds = (e.order ??= [...e.entries.keys()]);
    let changed = false;
    let closed = false;
    for (let i = 0; i < Math.min(n, fds.length); i++) {
      const fd = fds[(e.cursor + i) % fds.length]!;
      const target = link(e, fd);
      const was = e.entries.get(fd)!;
      if (target === was.target) continue;
      remove(e, fd);
      changed = true;
      if (target === null) closed = true;
      else add(e, fd, target);
    }
    e.cursor = fds.length === 0 ? 0 : (e.cursor + n) % fds.length;
    return { changed, closed };
  }

  /** the kernel's count of the process's open fds; -1 without one, null when the process is gone */
  function openCount(pid: number): number | null {
    if (!counted) return -1;
    try {
      return statSync(`${procRoot}/${pid}/fd`).size;
    } catch (err) {
      if (isVanished(err)) return null;
      throw new FdReadError(pid, `cannot read ${procRoot}/${pid}/fd: ${errorCode(err)}`);
    }
  }

  function readOne(e: Entry, boundary: boolean, verifyShare: number): boolean {
    const n = openCount(e.pid);
    if (n === null) throw new FdReadError(e.pid, `cannot read ${procRoot}/${e.pid}/fd: ENOENT`);
    const fresh = !e.listed;
    let changed = false;
    let listed = false;
    if (fresh || n < 0 || (n !== e.entries.size && (boundary || e.entries.size < LIST_FREE_FDS || e.listMs <= LIST_SHARE * (now() - e.lastListAt)))) {
      changed = list(e);
      listed = true;
    }
    if (boundary && !fresh) {
      const v = verify(e, verifyShare);
      changed ||= v.changed;
      // a number closed while the count held: another was opened, which only a listing shows
      if (v.closed || (n >= 0 && !listed && e.entries.size !== n)) {
        changed = list(e) || changed;
        listed = true;
      }
    }
    e.open = listed || n < 0 ? e.entries.size : n;
    return changed;
  }

  return {
    read(procs, boundary, isGone) {
      reads += 1;
      const byPid = new Map<number, ProcessFds>();
      let changed = false;
      const live = new Set(procs.map((p) => p.pid));
      for (const pid of known.keys()) {
        if (live.has(pid)) continue;
        known.delete(pid);
        changed = true;
      }
      let total = 0;
      for (const p of procs) {
        let e = known.get(p.pid);
        if (!e || e.starttime !== p.starttime) {
          e = { pid: p.pid, starttime: p.starttime, entries: new Map(), counts: emptyCounts(), open: 0, listed: false, lastListAt: 0, listMs: 0, cursor: 0, order: null };
          known.set(p.pid, e);
          changed = true;
        }
        total += e.entries.size;
      }
      for (const p of procs) {
        const e = known.get(p.pid)!;
        // the boundary's link budget, shared by the processes in proportion to their fds
        const share = total === 0 ? VERIFY_PER_BOUNDARY : Math.ceil((VERIFY_PER_BOUNDARY * e.entries.size) / total);
        try {
          if (readOne(e, boundary, share)) changed = true;
          byPid.set(p.pid, e);
        } catch (err) {
          known.delete(p.pid);
          if (!(err instanceof FdReadError)) throw err;
          if (isGone(p.pid)) {
            changed = true;
            continue; // exited meanwhile: its fds are closed
          }
          return { ok: false, pid: err.pid, error: err.message };
        }
      }
      if (changed) version += 1;
      const counts = emptyCounts();
      let open = 0;
      for (const e of byPid.values()) {
        open += e.open;
        for (const k of Object.keys(counts) as FdKind[]) counts[k] += e.counts[k];
      }
      return {
        ok: true,
        fds: {
          byPid, open, counts, version,
          socketInodes() {
            const out = new Map<number, number[]>();
            for (const [pid, e] of byPid) {
              const inodes: number[] = [];
              for (const f of e.entries.values()) if (f.inode > 0) inodes.push(f.inode);
              if (inodes.length > 0) out.set(pid, inodes);
            }
            return out;
          },
        },
      };
    },
    work: () => ({ listings, links }),
  };
}
