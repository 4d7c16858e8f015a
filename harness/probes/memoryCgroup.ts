// A memory limit like production's: the target's processes in a cgroup of their own with a memory
// limit, whose usage counts what a container's does (page cache and kernel memory included, every
// process of it) and whose OOM killer acts at the limit. cgroup v2 (memory.max, memory.current,
// memory.peak, memory.events) or v1 (memory.limit_in_bytes, usage_in_bytes, max_usage_in_bytes,
// oom_control), created under seep's own cgroup so that limits above it still hold. Needs write
// access to the memory controller (root, or a delegated subtree); when it has none, the caller gets
// the reason and runs without a limit, saying so.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const ROOT = '/sys/fs/cgroup';

export interface MemoryCgroup {
  dir: string;
  version: 1 | 2;
  limit: number;
  /** the file a process joins by writing its pid */
  procsFile: string;
  /** current usage in bytes (page cache included), null when unreadable */
  usage(): number | null;
  /** the most it used (v1 always; v2 on kernels with memory.peak), null when unknown */
  peak(): number | null;
  /** OOM kills inside it so far */
  oomKills(): number;
  /** removes it once its processes are gone; retries a little, as the kernel frees a cgroup late */
  remove(): Promise<void>;
}

function readNumber(file: string): number | null {
  try {
    const v = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

function keyed(file: string, key: string): number {
  try {
    const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${key} `));
    return line ? Number(line.split(' ')[1]) || 0 : 0;
  } catch {
    return 0;
  }
}

/** seep's own cgroup path in the hierarchy that has the memory controller, and which version it is. */
async function ownMemoryCgroup(): Promise<{ base: string; version: 1 | 2 }> {
  const lines = (await readFile('/proc/self/cgroup', 'utf8')).trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  if (v1 && existsSync(path.join(ROOT, 'memory'))) return { base: path.join(ROOT, 'memory', v1.split(':')[2] ?? '/'), version: 1 };
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2 && existsSync(path.join(ROOT, 'cgroup.controllers'))) {
    const controllers = await readFile(path.join(ROOT, 'cgroup.controllers'), 'utf8');
    if (controllers.split(/\s+/).includes('memory')) return { base: path.join(ROOT, v2.slice(3)), version: 2 };
  }
  throw new Error('no cgroup memory controller is mounted under /sys/fs/cgroup');
}

/** Creates the cgroup with its limit; rejects with why it cannot (the caller runs without a limit). */
export async function createMemoryCgroup(name: string, limit: number): Promise<MemoryCgroup> {
  const { base, version } = await ownMemoryCgroup();
  // under seep's own cgroup when it may write there, else at the top of the hierarchy
  let dir = path.join(base, name);
  try {
    await mkdir(dir);
  } catch {
    dir = path.join(version === 1 ? path.join(ROOT, 'memory') : ROOT, name);
    try {
      await mkdir(dir);
    } catch (err) {
      throw new Error(`cannot create a memory cgroup (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} on ${dir}): seep needs root or a delegated cgroup subtree`);
    }
  }
  const files = version === 1
    ? { limit: 'memory.limit_in_bytes', usage: 'memory.usage_in_bytes', peak: 'memory.max_usage_in_bytes', oom: 'memory.oom_control' }
    : { limit: 'memory.max', usage: 'memory.current', peak: 'memory.peak', oom: 'memory.events' };
  try {
    await writeFile(path.join(dir, files.limit), String(limit));
    if (version === 1) {
      // with swap, v1 swaps instead of killing: hold memory+swap at the same limit where the kernel accounts it
      await writeFile(path.join(dir, 'memory.memsw.limit_in_bytes'), String(limit)).catch(() => undefined);
    } else {
      await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    }
  } catch (err) {
    await rmdir(dir).catch(() => undefined);
    throw new Error(`cannot set the memory limit of ${dir}: ${(err as Error).message}`);
  }
  return {
    dir,
    version,
    limit,
    procsFile: path.join(dir, 'cgroup.procs'),
    usage: () => readNumber(path.join(dir, files.usage)),
    peak: () => readNumber(path.join(dir, files.peak)),
    oomKills: () => keyed(path.join(dir, files.oom), 'oom_kill'),
    async remove() {
      for (let i = 0; i < 20; i++) {
        try {
          await rmdir(dir);
          return;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
  };
}

/** The env variable through which every target seep spawns joins the run's cgroup. */
export const CGROUP_ENV = 'SEEP_MEMORY_CGROUP';

/** Puts a just-started process in the cgroup named by its env (a few µs after exec: what it
 * allocated before is not charged, what it forks after is). */
export function joinCgroupOf(pid: number, env: Record<string, string>): void {
  const procs = env[CGROUP_ENV];
  if (!procs) return;
  appendFileSync(procs, String(pid));
}

/** The memory cgroup of a process seep did not start, whose usage is sampled like memoryLimit's. */
export interface ProcessMemoryCgroup {
  /** its folder under /sys/fs/cgroup */
  dir: string;
  usage(): number | null;
}

/** The path of the memory controller's cgroup in a /proc/PID/cgroup text (v1 first, as the kernel lists both). */
export function memoryCgroupPath(text: string): { path: string; version: 1 | 2 } | null {
  const lines = text.trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]?.split(',').includes('memory'));
  if (v1) return { path: v1.split(':').slice(2).join(':'), version: 1 };
  const v2 = lines.find((l) => l.startsWith('0::'));
  return v2 ? { path: v2.slice(3), version: 2 } : null;
}

/**
 * The memory cgroup of `pid` when it has one of its own: not the hierarchy's root and not seep's
 * (whose usage would count seep and whatever else runs beside it). null, with why, otherwise.
 */
export async function processMemoryCgroup(pid: number, procRoot = '/proc'): Promise<ProcessMemoryCgroup | string> {
  const [theirs, ours] = await Promise.all([readFile(`${procRoot}/${pid}/cgroup`, 'utf8'), readFile(`${procRoot}/self/cgroup`, 'utf8')]).then(
    ([a, b]) => [memoryCgroupPath(a), memoryCgroupPath(b)],
    (err: unknown) => [(err as Error).message, null] as const,
  );
  if (typeof theirs === 'string') return `its memory cgroup could not be read: ${theirs}`;
  if (!theirs) return 'it has no memory cgroup';
  if (theirs.path === '/' || theirs.path === '') return 'it runs in the root memory cgroup';
  if (ours && ours.path === theirs.path && ours.version === theirs.version) return `it runs in seep's own memory cgroup (${theirs.path}), whose usage counts seep too`;
  const dir = theirs.version === 1 ? path.join(ROOT, 'memory', theirs.path) : path.join(ROOT, theirs.path);
  const file = path.join(dir, theirs.version === 1 ? 'memory.usage_in_bytes' : 'memory.current');
  if (!existsSync(file)) return `its memory cgroup's usage (${file}) is not visible here`;
  return { dir, usage: () => readNumber(file) };
}
