// Every process seep starts carries SEEP_RUN_COOKIE=<cookie>, inherited by all its descendants, so a
// descendant that double-forked or called setsid (and so left the tree) can still be found, the way
// Jenkins' process-tree killer finds builds by BUILD_ID.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { errorCode, listPids } from './procfs.ts';

// Reasons a process's environ may be unreadable that say nothing about our own processes.
const SKIPPED = new Set(['EACCES', 'EPERM', 'ENOENT', 'ESRCH']);

export const COOKIE_ENV = 'SEEP_RUN_COOKIE';

export function newCookie(): string {
  return `seep-${randomBytes(9).toString('hex')}`;
}

/**
 * Pids whose environment holds the cookie, excluding the calling process. Reads every
 * /proc/PID/environ, so it costs a file read per process on the host: call it at iteration
 * boundaries, not on every timed sample. Processes we may not read (other users') and zombies,
 * whose environ is empty, are skipped.
 */
export async function findByCookie(cookie: string, procRoot = '/proc'): Promise<number[]> {
  const needle = Buffer.from(`${COOKIE_ENV}=${cookie}`);
  const found: number[] = [];
  for (const pid of listPids(procRoot)) {
    if (pid === process.pid) continue;
    let env: Buffer;
    try {
      env = readFileSync(`${procRoot}/${pid}/environ`);
    } catch (err) {
      // EACCES (not ours), ENOENT/ESRCH (gone): neither can be one of our processes we could act on.
      if (SKIPPED.has(errorCode(err))) continue;
      throw err;
    }
    if (holdsEntry(env, needle)) found.push(pid);
  }
  return found;
}

export interface CookieScan {
  /** pids whose environment holds the cookie now, excluding the calling process */
  scan(): number[];
}

/**
 * findByCookie for a sampler that asks at every boundary: a process's answer is kept, so only
 * processes new since the last scan have their environ read (2.8 ms a scan of 120 processes here,
 * 0.1 ms now). An environ is the process's own once it runs: the cookie is inherited at fork and
 * kept through exec, so a process that did not hold it when first read does not come to.
 * A pid listed at two scans is the same process unless the kernel handed the pid out again in
 * between, which it does only after going once round all pids (it allocates them cyclically): when
 * fewer processes and threads were created between the scans than pid_max ("processes" in
 * /proc/stat counts them all), none can have been; else each /proc/PID directory's inode, which the
 * kernel numbers afresh for a new process (proc_pid_make_inode), tells a reused pid.
 */
export function createCookieScan(cookie: string, procRoot = '/proc'): CookieScan {
  const needle = Buffer.from(`${COOKIE_ENV}=${cookie}`);
  let known = new Map<number, { ino: number; holds: boolean }>();
  let forksAt: number | null = null;

  function inode(pid: number): number | null {
    try {
      return statSync(`${procRoot}/${pid}`).ino;
    } catch (err) {
      if (SKIPPED.has(errorCode(err))) return null;
      throw err;
    }
  }

  return {
    scan() {
      const forks = forksSinceBoot(procRoot);
      const pidMax = readNumber(`${procRoot}/sys/kernel/pid_max`);
      const noReuse = forks !== null && forksAt !== null && pidMax !== null && forks >= forksAt && forks - forksAt < pidMax - RESERVED_PIDS;
      forksAt = forks;
      const next = new Map<number, { ino: number; holds: boolean }>();
      const found: number[] = [];
      for (const pid of listPids(procRoot)) {
        if (pid === process.pid) continue;
        let entry = known.get(pid);
        if (entry && !noReuse && inode(pid) !== entry.ino) entry = undefined;
        if (!entry) {
          const ino = inode(pid);
          if (ino === null) continue; // gone
          let env: Buffer;
          try {
            env = readFileSync(`${procRoot}/${pid}/environ`);
          } catch (err) {
            if (!SKIPPED.has(errorCode(err))) throw err;
            env = Buffer.alloc(0); // not ours to read, or gone: cannot be one we could act on
          }
          entry = { ino, holds: holdsEntry(env, needle) };
        }
        next.set(pid, entry);
        if (entry.holds) found.push(pid);
      }
      known = next;
      return found;
    },
  };
}

/** the kernel's first pids, never handed out again once the allocator wraps (include/linux/pid.h) */
const RESERVED_PIDS = 300;

function readNumber(file: string): number | null {
  try {
    const n = Number(readFileSync(file, 'latin1').trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

/** processes and threads created since boot ("processes" in /proc/stat); null when not known */
function forksSinceBoot(procRoot: string): number | null {
  try {
    const m = /^processes (\d+)$/m.exec(readFileSync(`${procRoot}/stat`, 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The entry must be a whole NUL-separated record: neither FOO_SEEP_RUN_COOKIE=<cookie> nor
 * SEEP_RUN_COOKIE=<cookie>-other may match. The last record may lack its NUL.
 */
function holdsEntry(env: Buffer, needle: Buffer): boolean {
  for (let at = env.indexOf(needle); at >= 0; at = env.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    if ((at === 0 || env[at - 1] === 0) && (end === env.length || env[end] === 0)) return true;
  }
  return false;
}
