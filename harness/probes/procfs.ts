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
  /** cutime + cstime: the ticks of its children it has waited for, in clock ticks */
  reapedTicks: number;
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

/** Parses the text of /proc/PID/stat (see parseStatBytes). */
export function parseStat(text: string): ProcStat {
  const buf = Buffer.from(text, 'latin1');
  return parseStatBytes(buf, buf.length);
}

/**
 * Parses /proc/PID/stat from the first `length` bytes of a buffer, in place: a timed sample parses
 * one per process of the tree straight from the buffer it was pread into, with no string made of
 * the line and no array of its fields (5 µs a split into 50 strings, under 1 µs a pass). comm may
 * hold spaces and ')' so the fields are taken after the LAST ')'.
 */
export function parseStatBytes(buf: Buffer, length: number): ProcStat {
  const open = buf.indexOf(0x28);
  const close = length > 0 ? buf.lastIndexOf(0x29, length - 1) : -1;
  if (open < 0 || open >= length || close < open) {
    throw new Error(`malformed /proc stat line: '${buf.toString('latin1', 0, Math.min(length, 80))}'`);
  }
  let pid = 0;
  for (let i = 0; i < open; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) pid = pid * 10 + (c - 48);
  }
  // field N of proc(5) starts after the (N - 2)th space after ')'; field 3 (state) at close + 2
  let ppid = 0, pgrp = 0, cpuTicks = 0, reapedTicks = 0, numThreads = 0, starttime = 0, rssPages = 0;
  let i = close + 4; // past ') S '
  for (let field = 4; field <= 24; field++) {
    let v = 0;
    let digits = 0;
    let c = i < length ? buf[i]! : -1;
    const negative = c === 45;
    if (negative) c = ++i < length ? buf[i]! : -1;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      digits++;
      c = ++i < length ? buf[i]! : -1;
    }
    if (digits === 0 || (c !== 32 && c !== 10 && c !== -1)) {
      const rest = buf.toString('latin1', close + 2, length).trim().split(' ');
      throw new Error(`malformed /proc stat line: field ${field} is '${rest[field - 3]}'`);
    }
    if (negative) v = -v;
    if (field === 4) ppid = v;
    else if (field === 5) pgrp = v;
    else if (field === 14 || field === 15) cpuTicks += v;
    else if (field === 16 || field === 17) reapedTicks += v;
    else if (field === 20) numThreads = v;
    else if (field === 22) starttime = v;
    else if (field === 24) rssPages = v;
    i++;
  }
  return {
    pid,
    comm: buf.toString('latin1', open + 1, close),
    state: close + 2 < length ? String.fromCharCode(buf[close + 2]!) : '?',
    ppid,
    pgrp,
    cpuTicks,
    reapedTicks,
    numThreads,
    starttime,
    rssPages,
  };
}

/** null when the process is gone. */
export function readStatSync(pid: number, procRoot = '/proc'): ProcStat | null {
  let buf: Buffer;
  try {
    buf = readFileSync(`${procRoot}/${pid}/stat`);
  } catch (err) {
    if (isVanished(err)) return null;
    throw err;
  }
  return parseStatBytes(buf, buf.length);
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
