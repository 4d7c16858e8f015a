// Open file descriptors of one process, classified from their /proc/PID/fd/N link targets.
import { readdirSync, readlinkSync } from 'node:fs';
import { errorCode, isVanished } from './procfs.ts';

export type FdKind = 'file' | 'socket' | 'pipe' | 'other';

export interface FdEntry {
  fd: number;
  /** the link target: '/tmp/x', 'socket:[123]', 'pipe:[45]', 'anon_inode:[eventfd]' */
  target: string;
  kind: FdKind;
}

export interface FdSnapshot {
  ok: true;
  counts: Record<FdKind, number>;
  /** inodes of the socket fds (any family: unix, inet, netlink) */
  socketInodes: number[];
  /** paths of the file fds, for leftover reports */
  files: string[];
  entries: FdEntry[];
}

export interface FdFailure {
  ok: false;
  /** 'cannot read /proc/123/fd: EACCES' */
  error: string;
  /** EACCES, ENOENT, ... */
  code: string;
}

export type FdResult = FdSnapshot | FdFailure;

export function classifyFd(target: string): FdKind {
  if (target.startsWith('socket:[')) return 'socket';
  if (target.startsWith('pipe:[')) return 'pipe';
  if (target.startsWith('/')) return 'file';
  return 'other';
}

/**
 * An unreadable fd directory is returned as a failure, never as zero fds: a count of 0 would look
 * like a target that closed everything.
 */
export async function readFds(pid: number, procRoot = '/proc'): Promise<FdResult> {
  const dir = `${procRoot}/${pid}/fd`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    const code = errorCode(err);
    return { ok: false, error: `cannot read ${dir}: ${code}`, code };
  }
  const snapshot: FdSnapshot = { ok: true, counts: { file: 0, socket: 0, pipe: 0, other: 0 }, socketInodes: [], files: [], entries: [] };
  for (const name of names) {
    let target: string;
    try {
      target = readlinkSync(`${dir}/${name}`);
    } catch (err) {
      // Closed between the listing and the readlink: it is no longer open, so not counting it is right.
      if (isVanished(err)) continue;
      const code = errorCode(err);
      return { ok: false, error: `cannot read ${dir}/${name}: ${code}`, code };
    }
    const kind = classifyFd(target);
    snapshot.counts[kind] += 1;
    snapshot.entries.push({ fd: Number(name), target, kind });
    if (kind === 'socket') snapshot.socketInodes.push(Number(target.slice(8, -1)));
    else if (kind === 'file') snapshot.files.push(target);
  }
  return snapshot;
}
