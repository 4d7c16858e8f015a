// Disk as evidence, read at every boundary like the process tree: the target's own temp dir (its
// bytes and entries, into the sample), the files its tree holds open for writing, and what it
// created in its working directories, with their sizes (to the sample stream as 'disk' lines). A
// file followed is one held open for writing, or one created that then grew; a folder followed is
// one the run created files in. Files the scenario allows (budgets.disk.allow), and those a
// budgets.files size judges instead (a budget replaces its resource's default check), are followed
// and shown but left out of the totals. The judging is analysis/diskChecks.ts's.
import path from 'node:path';
import { lstatSync, readlinkSync } from 'node:fs';
import type { Sample } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { pathMatcher } from '../scenario/pathGlob.ts';
import { createCreatedFilesWatcher } from '../probes/createdFiles.ts';
import { createWrittenFilesReader } from '../probes/writtenFiles.ts';
import { dirUsage, freeBytes } from '../probes/dirUsage.ts';
import { MAX_PATHS } from '../observations/diskRows.ts';
import { phaseCode, type DiskLine, type TempLeftLine } from '../series/sampleStream.ts';
import { openTargetTempDir, type TargetTempDir } from './targetTempDir.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';

export interface DiskEvidenceOptions {
  repoRoot: string;
  cookie: string;
  /** folders seep itself writes in (the report folder): never the target's */
  skip: string[];
  emit: (line: DiskLine | TempLeftLine) => void;
  now: () => number;
  procRoot?: string;
}

type How = NonNullable<DiskLine['n']>[string]['how'];

/** Free space is written again when it moved by a MiB: a projection in hours does not need the byte. */
const FREE_STEP = 1024 * 1024;

/** The folders a target works in, as the plan knows them: a service's cwd, else the project root. */
function plannedWorkingDirs(plan: Pick<RunPlan, 'target'>, repoRoot: string): string[] {
  const t = plan.target;
  if (t.kind === 'service' && t.cwd !== undefined) return [path.resolve(repoRoot, t.cwd)];
  return t.kind === 'attached' || t.kind === 'remote' || t.kind === 'caller' ? [] : [repoRoot];
}

/**
 * The folder a created entry counts in: the parent of the highest folder above it that the run
 * created too (a cache's shard folders count in the cache), or its own parent.
 */
export function folderOf(entry: string, createdDirs: ReadonlySet<string>): { folder: string; top: string } {
  let top = entry;
  while (createdDirs.has(path.dirname(top))) top = path.dirname(top);
  return { folder: path.dirname(top), top };
}

/**
 * Opened before the target starts: its temp dir made (TMPDIR, TEMP and TMP for its env, beforeStart)
 * and its working directories listed as they were; once it has stopped (afterStop), what it left in
 * its temp dir goes to the stream and the dir is removed.
 */
export function diskCollector(plan: Pick<RunPlan, 'target' | 'budgets'>, opts: DiskEvidenceOptions): EvidenceCollector {
  // a deployed service seep drives at its URL: no process here, no disk of its to read
  if (plan.target.kind === 'remote') return {};
  const d = openDiskWatch(plan, opts);
  const { temp, errors } = d;
  return {
    // empty for a target seep did not start
    beforeStart: () => temp?.env ?? {},
    atBoundary: async (s: Sample) => readDisk(d, s),
    afterRun: async () => ({ errors: [...errors].slice(0, 5) }),
    afterStop() {
      if (!temp) return;
      try {
        opts.emit({ k: 'tempLeft', t: opts.now(), left: temp.close() });
      } catch (err) {
        errors.add(`disk: listing and removing the temp dir ${temp.dir} failed: ${(err as Error).message}`);
      }
    },
  };
}

/** The target's own temp dir, unless it runs in an env seep did not make; why there is none goes to errors. */
function openTemp(plan: Pick<RunPlan, 'target'>, cookie: string, errors: Set<string>): TargetTempDir | null {
  try {
    // a process seep did not start (attached, or the test process that called it) has its env already
    if (plan.target.kind !== 'attached' && plan.target.kind !== 'caller') return openTargetTempDir(cookie);
  } catch (err) {
    // a full disk, a read-only /tmp: the target runs with seep's own temp dir, and the report says so
    errors.add(`disk: no temp dir of its own for the target (it uses seep's): ${(err as Error).message}`);
  }
  return null;
}

/** What the disk collector follows from one boundary to the next. */
function openDiskWatch(plan: Pick<RunPlan, 'target' | 'budgets'>, opts: DiskEvidenceOptions) {
  const errors = new Set<string>();
  const temp = openTemp(plan, opts.cookie, errors);
  const skip = [...opts.skip, ...(temp ? [temp.dir] : [])].map((p) => path.resolve(p));
  const watcher = createCreatedFilesWatcher({ skip });
  for (const dir of plannedWorkingDirs(plan, opts.repoRoot)) watcher.addRoot(dir);
  const allow = pathMatcher(plan.budgets.disk.allow);
  const budgeted = plan.budgets.files.map((f) => path.resolve(opts.repoRoot, f.path));
  return {
    opts,
    procRoot: opts.procRoot ?? '/proc',
    errors,
    temp,
    skip,
    watcher,
    written: createWrittenFilesReader(opts.procRoot ?? '/proc'),
    allowed: (p: string): boolean => {
      const abs = path.resolve(opts.repoRoot, p);
      return allow(p) || budgeted.some((b) => abs === b || abs.startsWith(b + path.sep));
    },
    cwdOf: new Map<number, string | null>(),
    // followed paths (as the report names them) and what was said of them on the stream
    followed: new Map<string, { how: How; dev: number; abs: string | null }>(),
    announced: new Set<string>(),
    firstSize: new Map<string, number>(),
    tmpAnnounced: false,
    wdAnnounced: '',
    // free bytes per device as last written: written again only when it moved by FREE_STEP
    freeWritten: new Map<number, number>(),
    // a path's name in the report and whether it is excused, worked out once (a boundary sees the
    // same files again and again: 100 of them cost 0.1 ms a pass to name and match)
    named: new Map<string, { name: string; allowed: boolean }>(),
    full: false,
  };
}

type DiskWatch = ReturnType<typeof openDiskWatch>;
type FileSeen = { bytes: number; dev: number; how: How };

const inSkipped = (d: DiskWatch, abs: string) => d.skip.some((s) => abs === s || abs.startsWith(s + path.sep));

function info(d: DiskWatch, abs: string): { name: string; allowed: boolean } {
  let i = d.named.get(abs);
  if (i) return i;
  const rel = path.relative(d.opts.repoRoot, abs);
  const name = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  i = { name, allowed: d.allowed(name) };
  if (d.named.size > 50_000) d.named.clear();
  d.named.set(abs, i);
  return i;
}

function follow(d: DiskWatch, p: string, how: How, dev: number, abs: string | null = null): boolean {
  if (d.followed.has(p)) return true;
  if (d.followed.size >= MAX_PATHS) {
    if (!d.full) d.errors.add(`disk: ${MAX_PATHS} paths are followed at most; ${p} and others were not`);
    d.full = true;
    return false;
  }
  d.followed.set(p, { how, dev, abs });
  return true;
}

/** Working directories of the tree's processes, read once per pid: a shell script may cd before exec. */
function treeWorkingDirs(d: DiskWatch, pids: readonly number[]): void {
  for (const pid of pids) {
    if (d.cwdOf.has(pid)) continue;
    let cwd: string | null = null;
    try {
      cwd = readlinkSync(`${d.procRoot}/${pid}/cwd`);
    } catch {
      // exited, or not ours to read: the planned folders stand
    }
    d.cwdOf.set(pid, cwd);
    if (cwd && cwd.startsWith('/') && cwd !== '/' && !inSkipped(d, cwd)) d.watcher.addRoot(cwd);
  }
  if (d.cwdOf.size > 1000) d.cwdOf.clear();
}

function readDisk(d: DiskWatch, s: Sample): void {
  if (s.iteration === null) return;
  treeWorkingDirs(d, s.pids);
  const line: DiskLine = { k: 'disk', t: s.t, i: s.iteration, p: phaseCode(s.phase), f: {}, d: {} };
  if (d.temp) readTemp(d, d.temp, s, line);
  const w = d.written.read(s.pids);
  for (const e of w.errors) d.errors.add(`disk: ${e}`);
  const c = d.watcher.read(new Map(w.files.map((f) => [f.path, f])));
  for (const e of c.errors) d.errors.add(`disk: ${e}`);
  s.values.diskBytes = countFiles(d, filesSeen(d, w.files, c.files), line);
  countFolders(d, c, line);
  announce(d, line);
  // a measured read that follows nothing and says nothing new is not written: a week's soak of a
  // target that writes no file must not fill its own disk with empty lines (the baseline and the
  // settle reads always are: the rows start at the one and are judged after the other)
  const says = Object.keys(line.f).length + Object.keys(line.d).length > 0 || line.n || line.fs || line.tmp || line.wd;
  if (says || s.phase !== 'measured') d.opts.emit(line);
}

function readTemp(d: DiskWatch, temp: TargetTempDir, s: Sample, line: DiskLine): void {
  const u = dirUsage(temp.dir, { skip: d.allowed });
  s.values.tmpBytes = u.bytes;
  s.values.tmpEntries = u.entries;
  if (u.error) d.errors.add(`disk: ${u.error}`);
  if (!d.tmpAnnounced) line.tmp = { dir: temp.dir, dev: temp.dev };
  d.tmpAnnounced = true;
}

/** Every file counted once: held open for writing first, else created. */
function filesSeen(d: DiskWatch, written: readonly { path: string; bytes: number; dev: number }[], created: readonly { path: string; bytes: number; dev: number }[]): Map<string, FileSeen> {
  const files = new Map<string, FileSeen>();
  for (const f of written) {
    const abs = f.path.replace(/ \(deleted\)$/, '');
    if (!inSkipped(d, abs)) files.set(f.path, { bytes: f.bytes, dev: f.dev, how: 'open for writing' });
  }
  for (const f of created) if (!files.has(f.path)) files.set(f.path, { bytes: f.bytes, dev: f.dev, how: 'created' });
  // a file once seen open for writing is followed by its path while closed: a history reopened per call
  for (const m of d.followed.values()) {
    if (m.how !== 'open for writing' || m.abs === null || files.has(m.abs)) continue;
    const st = lstatSync(m.abs, { throwIfNoEntry: false });
    if (st?.isFile()) files.set(m.abs, { bytes: st.size, dev: st.dev, how: m.how });
  }
  return files;
}

/** The files' sizes on the line; returns the bytes of those not allowed. */
function countFiles(d: DiskWatch, files: Map<string, FileSeen>, line: DiskLine): number {
  let total = 0;
  for (const [abs, f] of files) {
    const { name: p, allowed: allow } = info(d, abs);
    if (!allow) total += f.bytes;
    // a created file is followed once it changes size: a cache's files are counted in their folder
    const first = d.firstSize.get(abs);
    if (f.how === 'created' && first === undefined && !d.followed.has(p)) d.firstSize.set(abs, f.bytes);
    const grew = f.how === 'open for writing' || (first !== undefined && first !== f.bytes);
    if ((grew || d.followed.has(p)) && follow(d, p, f.how, f.dev, abs)) line.f[p] = f.bytes;
  }
  if (d.firstSize.size > 50_000) d.firstSize.clear();
  return total;
}

/** Folders the run created entries in: bytes and entries (allowed files left out). */
function countFolders(d: DiskWatch, c: { files: readonly { path: string; bytes: number; dev: number }[]; dirs: readonly string[] }, line: DiskLine): void {
  const createdDirs = new Set(c.dirs);
  const folders = new Map<string, { bytes: number; entries: number; tops: Set<string>; dev: number }>();
  const count = (entry: string, bytes: number, dev: number) => {
    const { folder, top } = folderOf(entry, createdDirs);
    const g = folders.get(folder) ?? { bytes: 0, entries: 0, tops: new Set<string>(), dev };
    if (g.dev < 0) g.dev = dev;
    g.bytes += bytes;
    g.entries++;
    g.tops.add(top);
    folders.set(folder, g);
  };
  for (const f of c.files) if (!info(d, f.path).allowed) count(f.path, f.bytes, f.dev);
  for (const dir of c.dirs) count(dir, 0, -1);
  for (const [folder, g] of folders) {
    // a folder holding one created folder is named by it: the cache, not the folder it is in
    const only = g.tops.size === 1 ? [...g.tops][0]! : null;
    const shown = only !== null && createdDirs.has(only) ? only : folder;
    const entries = shown === folder ? g.entries : g.entries - 1;
    const p = info(d, shown).name;
    if ((entries >= 2 || d.followed.has(p)) && follow(d, p, 'folder', g.dev)) line.d[p] = [g.bytes, entries];
  }
}

/** What is new on this line, the free space of the file systems it is on, and the working directories when they changed. */
function announce(d: DiskWatch, line: DiskLine): void {
  const devs = new Map<number, string>();
  if (d.temp) devs.set(d.temp.dev, d.temp.dir);
  for (const [p, m] of d.followed) {
    if (!d.announced.has(p) && (p in line.f || p in line.d)) {
      (line.n ??= {})[p] = { how: m.how, dev: m.dev, ...(d.allowed(p) ? { allowed: true as const } : {}) };
      d.announced.add(p);
    }
    if (m.dev >= 0 && !devs.has(m.dev)) devs.set(m.dev, path.dirname(path.resolve(d.opts.repoRoot, p)));
  }
  for (const [dev, at] of devs) {
    const bytes = freeBytes(at);
    const before = d.freeWritten.get(dev);
    if (bytes === null || (before !== undefined && Math.abs(before - bytes) < FREE_STEP)) continue;
    (line.fs ??= {})[String(dev)] = bytes;
    d.freeWritten.set(dev, bytes);
  }
  const name = (abs: string) => info(d, abs).name;
  const wd = d.watcher.roots().map(name).join('\n');
  if (wd !== d.wdAnnounced) {
    line.wd = d.watcher.roots().map(name);
    d.wdAnnounced = wd;
  }
}
