// A service seep did not start: the process named by a pid or a pid file, checked once when the
// scenario starts (it must be there, alive and readable), the URL its steps go to (given, or the
// one port its root process listens on), and its exit, found by polling /proc since it is not our
// child to wait for. Nothing here signals it: seep never stops what it did not start.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AttachSource } from '../scenario/runPlan.ts';
import { errorCode, readStatSync } from '../probes/procfs.ts';
import { readFds } from '../probes/fds.ts';
import { readOneTable } from '../probes/tcpSockets.ts';

export interface AttachedProcess {
  pid: number;
  /** with the pid, tells this process from a later one given the same pid */
  starttime: number;
  /** the pid file as written, when the pid came from one */
  pidFile?: string;
  command: string[];
}

/** Where the pid came from, with the field or flag, so that every failure names it. */
function pidOf(source: AttachSource, repoRoot: string): number {
  if ('pid' in source) return source.pid;
  const file = path.resolve(repoRoot, source.pidFile);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = errorCode(err);
    throw new Error(code === 'ENOENT' ? `${source.field}: ${file} does not exist` : `${source.field}: cannot read ${file}: ${code}`, { cause: err });
  }
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) === 0) throw new Error(`${source.field}: ${file} holds ${JSON.stringify(trimmed.slice(0, 40))}, not a pid`);
  return Number(trimmed);
}

/** The process to attach to; throws, naming the field or flag, when it is gone or cannot be read. */
export function attachToProcess(source: AttachSource, repoRoot: string, procRoot = '/proc'): AttachedProcess {
  const pid = pidOf(source, repoRoot);
  const named = 'pidFile' in source ? `pid ${pid} (from ${source.pidFile})` : `pid ${pid}`;
  const stat = readStatSync(pid, procRoot);
  if (stat === null) throw new Error(`${source.field}: no process with ${named}: it is gone, or never was`);
  if (stat.state === 'Z' || stat.state === 'X') throw new Error(`${source.field}: ${named} has exited (a zombie its parent has not reaped)`);
  if (pid === process.pid) throw new Error(`${source.field}: ${named} is seep itself`);
  try {
    readdirSync(`${procRoot}/${pid}/fd`);
  } catch (err) {
    throw new Error(`${source.field}: cannot read ${procRoot}/${pid}/fd (${errorCode(err)}): seep samples an attached process through /proc and must run as its user, or root`, { cause: err });
  }
  const command = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  const out: AttachedProcess = { pid, starttime: stat.starttime, command: command.length > 0 ? command : [`[${stat.comm}]`] };
  if ('pidFile' in source) out.pidFile = source.pidFile;
  return out;
}

/** Whether the process attached to is still the one running under its pid. */
export function stillRunning(p: AttachedProcess, procRoot = '/proc'): boolean {
  const stat = readStatSync(p.pid, procRoot);
  return stat !== null && stat.starttime === p.starttime && stat.state !== 'Z' && stat.state !== 'X';
}

/** Resolves when the process exits (polled: it is not seep's child); stop() ends the polling. */
export function watchExit(p: AttachedProcess, everyMs = 200): { exited: Promise<void>; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const exited = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      if (stillRunning(p)) return;
      clearInterval(timer);
      resolve();
    }, everyMs);
    timer.unref();
  });
  return { exited, stop: () => clearInterval(timer) };
}

/**
 * The URL of the one TCP port the process listens on, for `--attach` on a scenario that starts its
 * service (and so names no URL). A wildcard address is reached on loopback.
 */
export async function listeningUrl(p: AttachedProcess, field: string, procRoot = '/proc'): Promise<string> {
  const fds = await readFds(p.pid, procRoot);
  if (!fds.ok) throw new Error(`${field}: ${fds.error}`);
  const inodes = new Set(fds.socketInodes);
  const listening = new Set<string>();
  for (const table of ['tcp', 'tcp6'] as const) {
    for (const [inode, entry] of await readOneTable(p.pid, table, procRoot).catch(() => new Map())) {
      if (inodes.has(inode) && entry.state === 'LISTEN') listening.add(entry.local);
    }
  }
  const ports = [...new Set([...listening].map((a) => a.slice(a.lastIndexOf(':') + 1)))];
  const where = `pid ${p.pid} (${p.command.join(' ').slice(0, 80)})`;
  if (ports.length !== 1) {
    const what = ports.length === 0 ? 'listens on no TCP port' : `listens on ${ports.length} TCP ports (${ports.join(', ')})`;
    throw new Error(`${field}: ${where} ${what}: cannot tell where the steps should go; write service: { attach: { pid }, url: 'http://host:port' } in the scenario`);
  }
  const address = [...listening].find((a) => a.endsWith(`:${ports[0]}`))!;
  const host = address.slice(0, address.lastIndexOf(':'));
  const reachable = host === '0.0.0.0' ? '127.0.0.1' : host === '[::]' ? '[::1]' : host;
  return `http://${reachable}:${ports[0]}`;
}
