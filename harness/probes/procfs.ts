// Low-level readers of /proc. Each takes the /proc root as a parameter so parser tests can point
// it at a fake tree in a temp dir.
//
// Small per-process files are read synchronously on purpose: the kernel generates them in
// microseconds, while a promise round-trip through libuv's 4-thread pool costs more than the read
// itself. Files whose cost grows with the target (smaps_rollup) or the host (net/tcp) are read
// asynchronously, off the event loop.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';

export interface ProcStat {
  pid: number;
  ppid: number;
  /** process group: a target started detached leads its own, and its forked workers stay in it */
  pgrp: number;
  comm: string;
  /** R, S, D, Z, T, ... */
  state: string;
  /** utime + stime, in clock ticks */
  cpuTicks: number;
  /** in clock ticks since boot; with pid it identifies a process across pid reuse */
  starttime: number;
  numThreads: number;
  rssPages: number;
}

/** A process that exits between two reads is normal, not a failure. */
export function isVanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? String(err);
}

/**
 * Parses the text of /proc/PID/stat. comm may hold spaces and ')' so the fields are taken after the
 * LAST ')'. The numbers are read in one pass over the characters, not split into 50 strings: a timed
 * sample parses one per process of the tree (5 µs a split, under 1 µs a pass).
 */
export function parseStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`malformed /proc stat line: '${text.slice(0, 80)}'`);
  // field N of proc(5) starts after the (N - 2)th space after ')'; field 3 (state) at close + 2
  const values = new Float64Array(25);
  let i = close + 4; // past ') S '
  for (let field = 4; field <= 24; field++) {
    let v = 0;
    let digits = 0;
    let negative = false;
    if (text.charCodeAt(i) === 45) {
      negative = true;
      i++;
    }
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i)) {
      v = v * 10 + (c - 48);
      digits++;
    }
    const next = text.charCodeAt(i);
    if (digits === 0 || (next !== 32 && next !== 10 && !Number.isNaN(next))) {
      const rest = text.slice(close + 2).trim().split(' ');
      throw new Error(`malformed /proc stat line: field ${field} is '${rest[field - 3]}'`);
    }
    values[field] = negative ? -v : v;
    i++;
  }
  return {
    pid: Number(text.slice(0, open).trim()),
    comm: text.slice(open + 1, close),
    state: text[close + 2] ?? '?',
    ppid: values[4]!,
    pgrp: values[5]!,
    cpuTicks: values[14]! + values[15]!,
    numThreads: values[20]!,
    starttime: values[22]!,
    rssPages: values[24]!,
  };
}

/** null when the process is gone. */
export function readStatSync(pid: number, procRoot = '/proc'): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/stat`, 'latin1');
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
  return parseStat(text);
}

/** Whether the process runs: false when it is gone, or a zombie (exited, not yet reaped by its parent). */
export function isRunning(pid: number, procRoot = '/proc'): boolean {
  const stat = readStatSync(pid, procRoot);
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** argv of the process; empty for kernel threads and zombies; null when gone. */
export async function readCmdline(pid: number, procRoot = '/proc'): Promise<string[] | null> {
  try {
    const raw = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8');
    const parts = raw.split('\0');
    if (parts.at(-1) === '') parts.pop();
    return parts;
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}

/** A readable command for reports: the command line, else `[comm]` as ps shows kernel threads and zombies. */
export async function describeProcess(pid: number, procRoot = '/proc'): Promise<string> {
  const argv = await readCmdline(pid, procRoot).catch((err: unknown) => `(cmdline unreadable: ${errorCode(err)})`);
  if (typeof argv === 'string') return argv;
  if (argv && argv.length > 0) return argv.join(' ');
  const stat = readStatSync(pid, procRoot);
  return stat ? `[${stat.comm}]` : '(exited)';
}

function kbField(text: string, name: string): number | null {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : null;
}

/**
 * Pss from /proc/PID/smaps_rollup (Linux 4.14+), in bytes; null when unreadable. The reason goes to
 * onError unless the process simply vanished.
 */
export async function readPss(pid: number, procRoot = '/proc', onError?: (message: string) => void): Promise<number | null> {
  try {
    // Off the event loop: the kernel walks every mapping of the target to answer (ms for a big one).
    const pss = kbField(await readFile(`${procRoot}/${pid}/smaps_rollup`, 'latin1'), 'Pss');
    if (pss === null) onError?.(`no Pss line in ${procRoot}/${pid}/smaps_rollup`);
    return pss;
  } catch (err) {
    if (!isVanished(err)) onError?.(`cannot read ${procRoot}/${pid}/smaps_rollup: ${errorCode(err)}`);
    return null;
  }
}

/** Every numeric entry of the /proc root. */
export function listPids(procRoot = '/proc'): number[] {
  return readdirSync(procRoot).filter((name) => /^\d+$/.test(name)).map(Number);
}

/** The living (not zombie) processes of a process group. */
export function groupMembers(pgid: number, procRoot = '/proc'): ProcStat[] {
  const out: ProcStat[] = [];
  for (const pid of listPids(procRoot)) {
    const stat = readStatSync(pid, procRoot);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') out.push(stat);
  }
  return out;
}

export interface HostConstants {
  pageSize: number;
  ticksPerSecond: number;
}

let hostConstants: HostConstants | undefined;

/**
 * Page size and USER_HZ, read from the auxiliary vector the kernel hands every process
 * (AT_PAGESZ = 6, AT_CLKTCK = 17; see include/uapi/linux/auxvec.h), so no `getconf` is spawned.
 * Falls back to 4096 and 100, the values on x86-64 and most arm64 kernels.
 */
export function readHostConstants(): HostConstants {
  if (hostConstants) return hostConstants;
  const found: HostConstants = { pageSize: 4096, ticksPerSecond: 100 };
  try {
    const auxv = readFileSync('/proc/self/auxv');
    const wide = process.arch.endsWith('64');
    const word = wide ? 8 : 4;
    const le = os.endianness() === 'LE';
    const at = (off: number): number => {
      if (wide) return Number(le ? auxv.readBigUInt64LE(off) : auxv.readBigUInt64BE(off));
      return le ? auxv.readUInt32LE(off) : auxv.readUInt32BE(off);
    };
    for (let off = 0; off + 2 * word <= auxv.length; off += 2 * word) {
      const type = at(off);
      if (type === 0) break;
      if (type === 6) found.pageSize = at(off + word);
      if (type === 17) found.ticksPerSecond = at(off + word);
    }
  } catch (err) {
    if (process.platform === 'linux') throw err;
  }
  hostConstants = found;
  return found;
}

/** Seconds since boot, from /proc/uptime; null where there is none (a fake tree). */
export function readUptimeSeconds(procRoot = '/proc'): number | null {
  try {
    return Number(readFileSync(`${procRoot}/uptime`, 'latin1').split(' ')[0]);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
}
