// Regular files a process tree holds open for writing, with their sizes now, from /proc/PID/fd
// (a stat through each link: the file's size, device and inode) and /proc/PID/fdinfo (its open
// flags). A file is known by its pid, fd, device and inode: its path and whether it was opened for
// writing are read once and kept while that stays so, because the access mode of an open file
// never changes (fcntl's F_SETFL cannot change it) and fdinfo costs as much again as the stat
// (100 files: 0.29 ms a read with the cache, 1.4 ms reading fdinfo each time).
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { errorCode, isVanished } from './procfs.ts';

export interface WrittenFile {
  /** as the link reads: '/srv/app/history.sqlite', '/var/log/app.log (deleted)' */
  path: string;
  bytes: number;
  dev: number;
  ino: number;
}

export interface WrittenFilesRead {
  files: WrittenFile[];
  /** problems reading one process (not a process that exited meanwhile) */
  errors: string[];
}

export interface WrittenFilesReader {
  read(pids: readonly number[]): WrittenFilesRead;
}

/** O_ACCMODE of open(2): 1 is O_WRONLY, 2 is O_RDWR */
const O_ACCMODE = 3;

/** The access mode in fdinfo's "flags:" line (octal), null when there is none. */
export function writableFromFdinfo(text: string): boolean | null {
  const m = /^flags:\s*([0-7]+)$/m.exec(text);
  if (!m) return null;
  const mode = parseInt(m[1]!, 8) & O_ACCMODE;
  return mode === 1 || mode === 2;
}

/** Not disk: memfd's anonymous files and what lives under /dev (/dev/shm is memory). */
function onDisk(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('/memfd:') && !path.startsWith('/dev/');
}

interface Known {
  dev: number;
  ino: number;
  path: string;
  writable: boolean;
}

export function createWrittenFilesReader(procRoot = '/proc'): WrittenFilesReader {
  // per pid, per fd: what the fd was when last seen
  const known = new Map<number, Map<string, Known>>();
  return {
    read(pids) {
      const files: WrittenFile[] = [];
      const errors: string[] = [];
      const seen = new Set<string>();
      for (const pid of pids) {
        const base = `${procRoot}/${pid}/fd/`;
        let names: string[];
        try {
          names = readdirSync(base);
        } catch (err) {
          if (!isVanished(err)) errors.push(`cannot read ${base}: ${errorCode(err)}`);
          continue;
        }
        const before = known.get(pid);
        const now = new Map<string, Known>();
        for (const fd of names) {
          const st = statSync(base + fd, { throwIfNoEntry: false });
          // closed since the listing, or not a regular file (a socket, a pipe, a tty)
          if (!st?.isFile()) continue;
          let k = before?.get(fd);
          if (!k || k.dev !== st.dev || k.ino !== st.ino) {
            try {
              const path = readlinkSync(base + fd);
              const writable = writableFromFdinfo(readFileSync(`${procRoot}/${pid}/fdinfo/${fd}`, 'latin1'));
              if (writable === null) errors.push(`no flags in ${procRoot}/${pid}/fdinfo/${fd}`);
              k = { dev: st.dev, ino: st.ino, path, writable: writable === true && onDisk(path) };
            } catch (err) {
              if (!isVanished(err)) errors.push(`cannot read fd ${fd} of pid ${pid}: ${errorCode(err)}`);
              continue;
            }
          }
          now.set(fd, k);
          // one file open in several processes (a log a pre-fork server's workers share) counts once
          const id = `${k.dev}:${k.ino}`;
          if (!k.writable || seen.has(id)) continue;
          seen.add(id);
          files.push({ path: k.path, bytes: st.size, dev: st.dev, ino: st.ino });
        }
        known.set(pid, now);
      }
      for (const pid of known.keys()) if (!pids.includes(pid)) known.delete(pid);
      return { files, errors };
    },
  };
}
