// One commit's run for `seep bisect`: in the temporary worktree, the --setup command (its failing
// is "could not build"), then this seep's `seep run` of the scenarios as a child process, its report
// folder under the commit's own folder with both outputs logged beside it. A run that could not
// run (exit 2, no report) is a skip too; a run is never judged here (bisectCommand compares it).
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StoredRun } from '../analysis/compareRuns.ts';
import { readStoredRun, StoredRunError } from './readStoredRun.ts';

export type CommitRun = { kind: 'ran'; run: StoredRun; runDir: string; exitCode: number } | { kind: 'skip'; reason: string };

export interface CommitRunOptions {
  /** the worktree's root, checked out at the commit */
  worktree: string;
  /** where in the worktree seep runs: the user's folder in their repository */
  cwd: string;
  /** the commit's folder under the bisect's run directory */
  dir: string;
  setup?: string;
  /** `seep run`'s arguments: the scenario files and the flags passed through */
  runArgs: string[];
  signal?: AbortSignal;
}

/** This seep, as the running process was started: the compiled bin (or the source under a loader). */
const SEEP_ENTRY = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? './seep.ts' : './seep.js', import.meta.url));

/** A command to its end, its output to `log`; the exit code, or the signal that ended it. */
function runLogged(command: string, args: string[], cwd: string, log: string, signal?: AbortSignal): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(log);
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    child.stdout.pipe(out, { end: false });
    child.stderr.pipe(out, { end: false });
    // seep stops its targets and writes its report on SIGTERM: a bisect interrupted waits for that
    const stop = () => child.kill('SIGTERM');
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (err) => {
      signal?.removeEventListener('abort', stop);
      out.end(() => reject(err));
    });
    child.on('close', (code, sig) => {
      signal?.removeEventListener('abort', stop);
      out.end(() => resolve({ code, signal: sig }));
    });
  });
}

export async function runCommit(o: CommitRunOptions): Promise<CommitRun> {
  await mkdir(o.dir, { recursive: true });
  if (o.setup) {
    const log = path.join(o.dir, 'setup.log');
    const r = await runLogged('/bin/sh', ['-c', o.setup], o.worktree, log, o.signal);
    if (r.code !== 0) return { kind: 'skip', reason: `setup '${o.setup}' ${r.signal ? `was stopped by ${r.signal}` : `exited ${r.code}`} (${log})` };
  }
  if (o.signal?.aborted) return { kind: 'skip', reason: 'interrupted' };
  const reportDir = path.join(o.dir, 'runs');
  const log = path.join(o.dir, 'seep-run.log');
  const r = await runLogged(process.execPath, [...process.execArgv, SEEP_ENTRY, 'run', ...o.runArgs, '--report-dir', reportDir], o.cwd, log, o.signal);
  const runs = (await readdir(reportDir, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  if (runs.length === 0) return { kind: 'skip', reason: `seep run wrote no report (${r.signal ? `stopped by ${r.signal}` : `exit ${r.code}`}; ${log})` };
  const runDir = path.join(reportDir, runs.at(-1)!);
  if (r.code === 2 || r.code === null) return { kind: 'skip', reason: `the scenarios could not run (seep run ${r.signal ? `stopped by ${r.signal}` : 'exit 2'}; ${log})` };
  try {
    return { kind: 'ran', run: await readStoredRun(runDir), runDir, exitCode: r.code };
  } catch (err) {
    if (!(err instanceof StoredRunError)) throw err;
    return { kind: 'skip', reason: err.message };
  }
}
