// Every process seep starts carries SEEP_RUN_COOKIE=<cookie>, inherited by all its descendants, so a
// descendant that double-forked or called setsid (and so left the tree) can still be found, the way
// Jenkins' process-tree killer finds builds by BUILD_ID.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
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
