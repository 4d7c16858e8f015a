// Files and folders created in a working directory since seep began to watch it, found without
// walking it again at every read: a folder's mtime changes when an entry is added, removed or
// renamed in it (not when a file in it grows), so a read stats every folder it knows and lists
// again only those whose mtime moved; an entry whose name is new, or whose inode changed (a file
// replaced by a rename, as atomic writers and log rotation do), was created. The created files are
// then stat'ed for their sizes. What was there when a folder was first listed is never "created".
import { lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import { errorCode, isVanished } from './procfs.ts';

/** Folders never looked into: dependencies, version control, bytecode caches. */
const SKIP_NAMES = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.venv', '.tox', '.mypy_cache', '.pytest_cache']);

export interface CreatedFilesOptions {
  /** absolute folders not looked into (seep's report folder, the target's temp dir, judged on its own) */
  skip?: string[];
  /** folders followed at most; past it the scan says so and goes no further */
  maxDirs?: number;
  maxDepth?: number;
  /** created files followed at most */
  maxCreated?: number;
  /** epoch ms, for the same-tick rule (see `read`) */
  now?: () => number;
}

export interface CreatedFile {
  path: string;
  bytes: number;
  dev: number;
}

export interface CreatedFilesRead {
  files: CreatedFile[];
  /** folders created since, still there */
  dirs: string[];
  errors: string[];
}

export interface CreatedFilesWatcher {
  /** watches a folder from now on: what it holds now was not created by the run */
  addRoot(dir: string): void;
  roots(): string[];
  /** `sized`: sizes already known (the files the tree holds open, stat'ed through their fds): not stat'ed again */
  read(sized?: ReadonlyMap<string, { bytes: number; dev: number }>): CreatedFilesRead;
}

interface Watched {
  mtimeMs: number;
  ino: number;
  depth: number;
  /** name -> inode and whether it is a folder, as last listed */
  names: Map<string, { ino: number; dir: boolean }>;
  /** listed in the same clock tick as its last change: listed again at the next read whatever its mtime */
  recent: boolean;
}

/**
 * The kernel stamps mtimes from a coarse clock (a jiffy, 1-10 ms): a file created just after a
 * listing, within the tick of the change before it, leaves the folder's mtime as it was. A folder
 * changed this recently when listed is listed again at the next read.
 */
const SAME_TICK_MS = 50;

export function createCreatedFilesWatcher(opts: CreatedFilesOptions = {}): CreatedFilesWatcher {
  // a project root is the working directory of most targets: its data, cache and log folders sit
  // near the top, and a boundary stats every folder followed
  const maxDirs = opts.maxDirs ?? 2000;
  const maxDepth = opts.maxDepth ?? 6;
  const maxCreated = opts.maxCreated ?? 20_000;
  const now = opts.now ?? Date.now;
  const skip = new Set((opts.skip ?? []).map((p) => path.resolve(p)));
  const roots: string[] = [];
  const dirs = new Map<string, Watched>();
  const created = new Set<string>();
  const createdDirs = new Set<string>();
  const notes = new Set<string>();

  const skipped = (abs: string, name: string): boolean => SKIP_NAMES.has(name) || skip.has(abs);

  /** Lists `abs` and the folders under it; `fresh` marks everything found as created. */
  function list(abs: string, depth: number, fresh: boolean): void {
    if (!dirs.has(abs) && dirs.size >= maxDirs) {
      notes.add(`the working-directory scan follows ${maxDirs} folders at most: ${abs} and others were not looked into`);
      return;
    }
    let st: Stats;
    let entries: Dirent[];
    try {
      st = statSync(abs);
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if (!isVanished(err)) notes.add(`cannot list ${abs}: ${errorCode(err)}`);
      forget(abs);
      return;
    }
    const old = dirs.get(abs);
    const names = new Map<string, { ino: number; dir: boolean }>();
    for (const e of entries) {
      const p = path.join(abs, e.name);
      const isDir = e.isDirectory();
      if (isDir && skipped(p, e.name)) continue;
      const before = old?.names.get(e.name);
      // a Dirent has no inode: one lstat per entry of a folder that changed
      const ino = inoOf(p);
      if (ino === null) continue; // removed since the listing
      names.set(e.name, { ino, dir: isDir });
      const isNew = fresh || (old !== undefined && (!before || before.ino !== ino));
      if (before && before.ino !== ino) drop(p); // replaced: what was under the old one is gone
      if (isDir) {
        if (isNew) createdDirs.add(p);
        if (depth < maxDepth && (isNew || !dirs.has(p))) list(p, depth + 1, isNew);
      } else if (isNew && e.isFile()) {
        if (created.size < maxCreated) created.add(p);
        else notes.add(`the working-directory scan follows ${maxCreated} created files at most`);
      }
    }
    // what is gone since the last listing
    if (old) for (const [name] of old.names) if (!names.has(name)) drop(path.join(abs, name));
    dirs.set(abs, { mtimeMs: st.mtimeMs, ino: st.ino, depth, names, recent: now() - st.mtimeMs < SAME_TICK_MS });
  }

  function inoOf(p: string): number | null {
    return lstatSync(p, { throwIfNoEntry: false })?.ino ?? null;
  }

  /** Forgets a path and everything under it. */
  function drop(p: string): void {
    created.delete(p);
    createdDirs.delete(p);
    forget(p);
  }

  function forget(dir: string): void {
    const prefix = dir + path.sep;
    for (const d of [...dirs.keys()]) if (d === dir || d.startsWith(prefix)) dirs.delete(d);
    for (const f of [...created]) if (f.startsWith(prefix)) created.delete(f);
    for (const f of [...createdDirs]) if (f.startsWith(prefix)) createdDirs.delete(f);
  }

  return {
    addRoot(dir) {
      const abs = path.resolve(dir);
      if (roots.some((r) => abs === r || abs.startsWith(r + path.sep))) return;
      roots.push(abs);
      list(abs, 0, false);
    },
    roots: () => [...roots],
    read(sized) {
      for (const [abs, w] of [...dirs]) {
        if (!dirs.has(abs)) continue; // forgot with a folder above it
        const st = statSync(abs, { throwIfNoEntry: false });
        if (!st) continue; // its parent's listing drops it
        if (w.recent || st.mtimeMs !== w.mtimeMs || st.ino !== w.ino) list(abs, w.depth, false);
      }
      const files: CreatedFile[] = [];
      for (const f of created) {
        const known = sized?.get(f);
        if (known) {
          files.push({ path: f, bytes: known.bytes, dev: known.dev });
          continue;
        }
        const st = lstatSync(f, { throwIfNoEntry: false });
        if (!st) {
          created.delete(f);
          continue;
        }
        files.push({ path: f, bytes: st.size, dev: st.dev });
      }
      const errors = [...notes];
      notes.clear();
      return { files, dirs: [...createdDirs], errors };
    },
  };
}
