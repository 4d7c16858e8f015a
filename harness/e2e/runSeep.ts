// Runs the real `seep` CLI in a child process, as a user or CI would, with its own report folder.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { afterAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Report } from '../report/schema.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SEEP = path.join(REPO_ROOT, 'dist/cli/seep.js');

export interface SeepRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  reportDir: string;
  pid: number;
  /** the run's report.json, or null when none was written */
  report(): Promise<Report | null>;
}

// Every run's report folder goes when the test file is done, passed or failed.
const reportDirs: string[] = [];
afterAll(async () => {
  await Promise.all(reportDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/**
 * What a seep killed by SIGKILL could not clean up: SIGKILLs every process carrying the run cookie
 * of seep `seepPid`, again until none is left (a daemon may fork between a scan and its kill), and
 * removes its agents' socket files (named after the cookie, which ends in seep's pid).
 */
export async function killRunLeftovers(seepPid: number): Promise<void> {
  const sockets = new RegExp(`^seep-.*\\.${seepPid}\\.sock$`);
  for (const name of await readdir(os.tmpdir()).catch(() => [] as string[])) {
    if (sockets.test(name)) await rm(path.join(os.tmpdir(), name), { force: true });
  }
  for (const end = Date.now() + 10_000; Date.now() < end; ) {
    const left = await processesWithRunCookie(seepPid);
    if (left.length === 0) return;
    for (const p of left) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // exited between the scan and the kill
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function runSeep(
  args: string[],
  opts: {
    env?: Record<string, string>;
    timeoutMs?: number;
    onSpawn?: (pid: number) => void;
    cwd?: string;
    /** the seep command to run: default this repo's build; an installed one's bin to test a package */
    seep?: string;
    /** where reports go: default a temp folder removed after the test file; null, seep's own default (the project's reports/) */
    reportDir?: string | null;
  } = {},
): Promise<SeepRun> {
  let reportDir = opts.reportDir;
  if (reportDir === undefined) {
    reportDir = await mkdtemp(path.join(os.tmpdir(), 'seep-e2e-'));
    reportDirs.push(reportDir);
  }
  const reportArgs = reportDir === null ? [] : ['--report-dir', reportDir];
  reportDir ??= path.join(opts.cwd ?? REPO_ROOT, 'reports');
  const child = spawn(process.execPath, [opts.seep ?? SEEP, ...args, ...reportArgs], {
    cwd: opts.cwd ?? REPO_ROOT,
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  opts.onSpawn?.(child.pid!);
  const timeoutMs = opts.timeoutMs ?? 240_000;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('close', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  // a seep killed by SIGKILL (at the time limit, or by the test) cannot stop its targets: do it here
  if (signal === 'SIGKILL') await killRunLeftovers(child.pid!);
  if (timedOut) stderr += `\n[runSeep: seep was killed after ${timeoutMs} ms]`;
  return {
    code, signal, stdout, stderr, reportDir, pid: child.pid!,
    report: async () => {
      const runs = (await readdir(reportDir, { withFileTypes: true })).filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name));
      if (runs.length === 0) return null;
      const text = await readFile(path.join(reportDir, runs.at(-1)!.name, 'report.json'), 'utf8').catch(() => null);
      return text === null ? null : (JSON.parse(text) as Report);
    },
  };
}

/** Processes carrying a run cookie of the seep process `seepPid`: the targets it started. */
export async function processesWithRunCookie(seepPid: number): Promise<{ pid: number; cmd: string }[]> {
  const cookieOfRun = new RegExp(`(^|\\0)SEEP_RUN_COOKIE=[^\\0]*\\.${seepPid}(\\0|$)`);
  const out: { pid: number; cmd: string }[] = [];
  for (const name of await readdir('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const env = await readFile(`/proc/${pid}/environ`, 'latin1').catch(() => '');
    if (!cookieOfRun.test(env)) continue;
    const cmd = (await readFile(`/proc/${pid}/cmdline`, 'latin1').catch(() => '')).replaceAll('\0', ' ').trim();
    out.push({ pid, cmd });
  }
  return out;
}

export function failedCheckIds(report: Report, scenario = 0): string[] {
  return (report.scenarios[scenario]?.checks ?? []).filter((c) => !c.pass).map((c) => c.id).sort();
}
