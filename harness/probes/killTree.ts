// Ends the target's tree and everything carrying the run cookie (escaped, double-forked, setsid):
// SIGTERM, a grace period, then SIGKILL, then wait until they are gone. Reports who had to be
// killed, by pid and command line, because a process that outlived its target is itself a finding.
import type { Leftover } from '../report/runReportSchema.ts';
import { describeProcess, errorCode, readStatSync } from './procfs.ts';
import { listTree } from './processTree.ts';
import { findByCookie } from './runCookie.ts';

export interface KillTreeOptions {
  /** how long SIGTERM gets before SIGKILL; default 3000 ms */
  graceMs?: number;
  /** how long to wait for SIGKILLed processes to disappear before giving up; default 5000 ms */
  killWaitMs?: number;
  procRoot?: string;
  /** pids never to signal, whatever they carry: the tree of a process seep attached to and did not start */
  spare?: number[];
}

const POLL_MS = 50;

interface Target {
  pid: number;
  starttime: number;
  command: string;
  signal: 'SIGTERM' | 'SIGKILL';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Our own process and its ancestors: never ours to kill, whatever their environment says. */
function protectedPids(procRoot: string): Set<number> {
  const out = new Set<number>([0, 1]);
  for (let pid = process.pid; pid > 1 && !out.has(pid); ) {
    out.add(pid);
    pid = readStatSync(pid, procRoot)?.ppid ?? 0;
  }
  return out;
}

/**
 * The processes to end, in the order found. A process already a zombie is dead and only waits for
 * its parent to reap it, so it counts as gone.
 */
async function findLiving(rootPids: number[], cookie: string | null, procRoot: string, spare: Set<number>): Promise<Map<number, number>> {
  const found = new Map<number, number>(); // pid -> starttime
  for (const p of await listTree(rootPids, procRoot)) {
    if (p.state !== 'Z' && p.state !== 'X' && !spare.has(p.pid)) found.set(p.pid, p.starttime);
  }
  for (const pid of cookie === null ? [] : await findByCookie(cookie, procRoot)) {
    if (found.has(pid) || spare.has(pid)) continue;
    const stat = readStatSync(pid, procRoot);
    if (stat && stat.state !== 'Z' && stat.state !== 'X') found.set(pid, stat.starttime);
  }
  return found;
}

function send(t: Target, signal: 'SIGTERM' | 'SIGKILL', procRoot: string): void {
  // The pid may have been reaped and reused since we found it: signal only the same process.
  if (readStatSync(t.pid, procRoot)?.starttime !== t.starttime) return;
  try {
    process.kill(t.pid, signal);
    t.signal = signal;
  } catch (err) {
    if (errorCode(err) !== 'ESRCH') throw err;
  }
}

function stillThere(t: Target, procRoot: string): boolean {
  const stat = readStatSync(t.pid, procRoot);
  return stat !== null && stat.starttime === t.starttime && stat.state !== 'Z' && stat.state !== 'X';
}

/**
 * SIGTERMs the tree under rootPids and every process carrying the cookie (none when it is null),
 * SIGKILLs what is left after graceMs, and waits until all are gone. Works when the roots have
 * already exited. Returns every process that was still running and had to be signalled.
 */
export async function killTree(rootPids: number[], cookie: string | null, opts: KillTreeOptions = {}): Promise<Leftover[]> {
  const procRoot = opts.procRoot ?? '/proc';
  const graceMs = opts.graceMs ?? 3000;
  const killWaitMs = opts.killWaitMs ?? 5000;
  const spare = protectedPids(procRoot);
  for (const pid of opts.spare ?? []) spare.add(pid);
  const targets = new Map<number, Target>();

  // Processes forked while we wait (a supervisor restarting a worker) are found and signalled too.
  const sweep = async (signal: 'SIGTERM' | 'SIGKILL'): Promise<void> => {
    for (const [pid, starttime] of await findLiving(rootPids, cookie, procRoot, spare)) {
      let t = targets.get(pid);
      if (!t || t.starttime !== starttime) {
        // The command line must be read now: it is gone once the process is.
        t = { pid, starttime, command: await describeProcess(pid, procRoot), signal };
        targets.set(pid, t);
        send(t, 'SIGTERM', procRoot);
      }
      if (signal === 'SIGKILL' && stillThere(t, procRoot)) send(t, 'SIGKILL', procRoot);
    }
  };
  const anyLeft = (): boolean => [...targets.values()].some((t) => stillThere(t, procRoot));

  await sweep('SIGTERM');
  const graceEnd = Date.now() + graceMs;
  while (anyLeft() && Date.now() < graceEnd) {
    await sleep(POLL_MS);
    await sweep('SIGTERM');
  }
  if (anyLeft()) await sweep('SIGKILL');
  const killEnd = Date.now() + killWaitMs;
  while (anyLeft()) {
    if (Date.now() >= killEnd) {
      const left = [...targets.values()].filter((t) => stillThere(t, procRoot)).map((t) => `${t.pid} (${t.command})`);
      throw new Error(`processes survived SIGKILL for ${killWaitMs} ms (uninterruptible sleep?): ${left.join(', ')}`);
    }
    await sleep(POLL_MS);
    await sweep('SIGKILL');
  }
  return [...targets.values()].map((t) => ({ kind: 'process', id: String(t.pid), detail: `${t.command} (${t.signal})` }));
}
