import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { attachOutput, type AttachedOutput, type OutputHandler } from './outputStreams.ts';
import { groupMembers } from '../probes/procfs.ts';
import { killTree } from '../probes/killTree.ts';
import { stopAsManager } from './stopAsManager.ts';
import { joinCgroupOf } from '../probes/memoryCgroup.ts';

export interface ExitStatus {
  code: number | null;
  signal: string | null;
}

export interface SpawnOptions {
  cwd: string;
  /** the child's whole environment: the caller's env (with SEEP_RUN_COOKIE) merged with the spec's */
  env: Record<string, string>;
  onOutput: OutputHandler;
  /** 'pipe' when the caller writes to stdin; fd 3 and above for protocol channels */
  stdin?: 'ignore' | 'pipe';
  extraStdio?: ('pipe' | 'ignore')[];
  tailBytes?: number;
}

export interface SpawnedTarget {
  child: ChildProcess;
  pid: number;
  command: string[];
  output: AttachedOutput;
  exited: Promise<ExitStatus>;
  /** null while the process runs */
  exitStatus(): ExitStatus | null;
  /** "'python3 app.py' exited with code 1 while <during>; last stderr lines: ..." */
  exitReason(status: ExitStatus, during?: string): string;
  /** signal the whole process group; false when no process of the group is left */
  signalGroup(signal: NodeJS.Signals): boolean;
  /**
   * SIGTERM to the leader alone, as a service manager does; after it exits (or `graceMs`), SIGTERM
   * then SIGKILL to the rest of its group (stopAsManager.ts). Resolves true when the leader ignored
   * SIGTERM and needed SIGKILL.
   */
  stop(graceMs: number): Promise<boolean>;
  /**
   * After the leader's death: ends what is left of its process group (a pre-fork master's workers,
   * which keep its listening socket), SIGTERM then SIGKILL after `graceMs`, and waits until none
   * lives. Resolves to how many were left.
   */
  endGroup(graceMs: number): Promise<number>;
}

const STDERR_LINES_IN_ERRORS = 15;

/**
 * The env every target gets: the caller's (it carries SEEP_RUN_COOKIE), the spec's on top, Python
 * ResourceWarnings on (they are a leak signal and off by default outside __main__), output unbuffered
 * so lines arrive when written and not at exit.
 */
export function targetEnv(callerEnv: Record<string, string>, specEnv: Record<string, string> = {}): Record<string, string> {
  const env = { ...callerEnv, ...specEnv };
  env.PYTHONWARNINGS ??= 'default';
  env.PYTHONUNBUFFERED = '1';
  return env;
}

/**
 * Spawn `argv` in its own process group (so a Ctrl-C aimed at seep does not reach it before the runner
 * can sample and stop it) and resolve once it really started; a missing command rejects with its name.
 */
export async function spawnTarget(argv: string[], opts: SpawnOptions): Promise<SpawnedTarget> {
  const [command, ...args] = argv;
  if (!command) throw new Error('cannot start an empty command');
  // spawn reports a missing cwd as ENOENT of the command, which sends people looking in the wrong place
  if (!fs.statSync(opts.cwd, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`cannot start ${command}: working directory ${opts.cwd} does not exist`);
  }
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: opts.env,
    detached: true,
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe', ...(opts.extraStdio ?? [])],
  });
  const output = attachOutput(child, opts.onOutput, opts.tailBytes ?? 64 * 1024);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') reject(new Error(`command not found: '${command}' (looked up in PATH=${opts.env.PATH ?? '<unset>'})`, { cause: err }));
      else if (err.code === 'EACCES') reject(new Error(`command not executable: '${command}'`, { cause: err }));
      else reject(new Error(`cannot start '${command}': ${err.message}`, { cause: err }));
    });
  });
  const pid = child.pid!;
  try {
    joinCgroupOf(pid, opts.env);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`cannot put '${command}' in its memory cgroup: ${(err as Error).message}`, { cause: err });
  }
  liveGroups.add(pid);
  let status: ExitStatus | null = null;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      liveGroups.delete(pid);
      output.unref();
      resolve(status);
    });
  });

  const signalRoot = (signal: NodeJS.Signals): boolean => {
    try {
      return child.kill(signal);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  };
  const signalGroup = (signal: NodeJS.Signals): boolean => {
    try {
      process.kill(-pid, signal);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
      throw err;
    }
  };

  return {
    child,
    pid,
    command: argv,
    output,
    exited,
    exitStatus: () => status,
    exitReason(s, during) {
      const how = s.signal ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
      const head = `'${argv.join(' ')}' ${how}${during ? ` while ${during}` : ''}`;
      const lines = output.stderr.lastLines(STDERR_LINES_IN_ERRORS);
      if (lines.length) return `${head}; last stderr lines:\n  ${lines.join('\n  ')}`;
      // a server that logs its failure to stdout (many loggers do) says why there
      const stdout = output.stdout.lastLines(STDERR_LINES_IN_ERRORS);
      return stdout.length ? `${head}; it wrote nothing to stderr; last stdout lines:\n  ${stdout.join('\n  ')}` : `${head} (it wrote nothing to stderr or stdout)`;
    },
    signalGroup,
    async stop(graceMs) {
      if (status) return false;
      return stopAsManager({ pid, exited, signal: (sig, group) => (group ? signalGroup(sig) : signalRoot(sig)) }, graceMs);
    },
    async endGroup(graceMs) {
      if (!status) throw new Error(`endGroup: the leader ${pid} is still running`);
      // A pgid is not reused while any member lives, so the group is still the dead leader's. Its
      // members (and what they forked) are ended as a run's leftovers are, without the run cookie.
      const members = groupMembers(pid).map((p) => p.pid);
      return members.length === 0 ? 0 : (await killTree(members, null, { graceMs })).length;
    },
  };
}

/**
 * Process groups still led by a live target. If seep exits without stopping them (a bug, an uncaught
 * error) they would outlive it in their own group, so kill them on the way out; 'exit' handlers must be
 * synchronous, which process.kill is.
 */
const liveGroups = new Set<number>();
process.once('exit', () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch (err) {
      // ESRCH: the group ended between its last event and now. Anything else is worth a line on the way out.
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') console.error(`seep: could not kill process group ${pid}: ${String(err)}`);
    }
  }
});

/** Race `work` against the target's exit: whichever settles first decides. */
export function raceExit<T>(target: SpawnedTarget, work: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    work,
    target.exited.then((s) => {
      throw new Error(target.exitReason(s, what));
    }),
  ]);
}
