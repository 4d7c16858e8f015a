// Which runtime a process of the target's tree runs, read from /proc, not from the command seep was
// given: `npm run serve`, `/usr/bin/gunicorn`, a shell script and `make` all end in a node or python
// process, and that process is where the agent belongs. Also says why a process of a known runtime
// cannot load the agent that its environment carries (python -I ignores PYTHONPATH), so the report
// can name it instead of staying silent.
import { readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { isVanished } from './procfs.ts';

export type Runtime = 'node' | 'python';

export interface ProcessRuntime {
  /** null: not a runtime seep has an agent for (a shell, make, a Go or C program) */
  runtime: Runtime | null;
  /** the executable's name, as the kernel has it (/proc/PID/exe) */
  exe: string;
  /** why the agent cannot load in it, when something visible says so */
  blocked?: string;
}

const NODE_EXE = /^(node|nodejs)(\d+)?$/;
const PYTHON_EXE = /^python(\d+(\.\d+)?)?$/;

/** The runtime of a command line's executable by its name alone: for a command not yet started. */
export function runtimeOfExecutable(file: string): Runtime | null {
  const exe = path.basename(file);
  if (NODE_EXE.test(exe)) return 'node';
  if (PYTHON_EXE.test(exe)) return 'python';
  return null;
}

/**
 * Python's own switches that keep its start-up from reading what seep injected: -I (isolated: no
 * PYTHON* variables), -E (no PYTHON* variables), -S (no `site`, so no sitecustomize). They may be
 * combined (`-IS`, `-sE`) and end at the first argument that is not a switch, or at -c / -m.
 */
export function pythonSwitchesBlocking(argv: string[]): string | undefined {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-' || arg.startsWith('--')) return undefined;
    for (const [j, ch] of [...arg.slice(1)].entries()) {
      if (ch === 'I') return 'python -I (isolated mode) ignores PYTHONPATH, so sitecustomize never loads the agent';
      if (ch === 'E') return 'python -E ignores PYTHONPATH, so sitecustomize never loads the agent';
      if (ch === 'S') return 'python -S skips the site module, so sitecustomize never loads the agent';
      // -c and -m end the switches; -W and -X take a value: the rest of the group, or the next argument
      if (ch === 'c' || ch === 'm') return undefined;
      if (ch === 'W' || ch === 'X') {
        if (j === arg.length - 2) i++;
        break;
      }
    }
  }
  return undefined;
}

function readEnviron(pid: number, procRoot: string): Map<string, string> | null {
  try {
    const out = new Map<string, string>();
    for (const kv of readFileSync(`${procRoot}/${pid}/environ`, 'latin1').split('\0')) {
      const eq = kv.indexOf('=');
      if (eq > 0) out.set(kv.slice(0, eq), kv.slice(eq + 1));
    }
    return out;
  } catch (err) {
    if (isVanished(err) || (err as NodeJS.ErrnoException).code === 'EACCES') return null;
    throw err;
  }
}

/**
 * The runtime of `pid`, or null when it is gone. `marks` says what seep's agents inject: the
 * folder on PYTHONPATH and the file NODE_OPTIONS requires; a process whose environment lost them
 * (a launcher that cleared it: `env -i`, sudo) is blocked, and says so.
 */
export function processRuntime(pid: number, marks: { pythonPath: string; nodeRequire: string }, procRoot = '/proc'): ProcessRuntime | null {
  let exe: string;
  let argv: string[];
  try {
    exe = path.basename(readlinkSync(`${procRoot}/${pid}/exe`)).replace(/ \(deleted\)$/, '');
    argv = readFileSync(`${procRoot}/${pid}/cmdline`, 'latin1').split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
  } catch (err) {
    if (isVanished(err)) return null;
    // a process of another user, or a kernel thread: not one seep can inject into
    if ((err as NodeJS.ErrnoException).code === 'EACCES') return { runtime: null, exe: '?' };
    throw err;
  }
  const runtime = runtimeOfExecutable(exe) ?? (frozenPython(pid, procRoot) ? 'python' : null);
  if (!runtime) return { runtime: null, exe };
  const env = readEnviron(pid, procRoot);
  let blocked: string | undefined;
  if (runtime === 'python') {
    if (!PYTHON_EXE.test(exe)) blocked = `${exe} is a frozen Python program (it carries libpython, as PyInstaller builds do), which does not read PYTHONPATH`;
    else blocked = pythonSwitchesBlocking(argv);
    if (!blocked && env && !(env.get('PYTHONPATH') ?? '').split(path.delimiter).includes(marks.pythonPath)) {
      blocked = 'its environment has no PYTHONPATH with seep\'s agent: whatever started it replaced the environment';
    }
  } else if (env && !(env.get('NODE_OPTIONS') ?? '').includes(marks.nodeRequire)) {
    blocked = 'its environment has no NODE_OPTIONS with seep\'s agent: whatever started it replaced the environment';
  }
  return blocked ? { runtime, exe, blocked } : { runtime, exe };
}

/** A program that is not named python but runs CPython: a frozen app that maps libpython. */
function frozenPython(pid: number, procRoot: string): boolean {
  try {
    return /\/libpython\d/.test(readFileSync(`${procRoot}/${pid}/maps`, 'latin1'));
  } catch (err) {
    if (isVanished(err) || (err as NodeJS.ErrnoException).code === 'EACCES') return false;
    throw err;
  }
}
