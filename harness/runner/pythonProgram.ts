// Which Python processes of a target's tree run the root's program, as its workers: the ones whose
// type counts, warnings and allocation sites are summed with the root's when suspects are named
// (treeTypeCounts.ts). A worker runs the root's program when
// - its command line is the root's: gunicorn's workers, multiprocessing's fork, werkzeug's reloader
//   (`flask run --debug` starts `sys.executable` again with the same arguments);
// - its program is the root's, started again with other interpreter options: Django's autoreloader
//   (`manage.py runserver`) serves from `python3 -Wdefault manage.py runserver ...`, the warning
//   options as arguments;
// - it is a multiprocessing child started by 'spawn' or 'forkserver' from the root or one of its
//   workers: it runs the parent's program from its main module (`uvicorn --reload` serves from one,
//   as `uvicorn --workers N` and spawn pools do).
// Anything else is a helper the target runs as another program (an upstream service, multiprocessing's
// resource tracker): its bounded caches filling would be named as growth no fix is due for.

/** interpreter options that take the next argument when not attached (`-W default`, `-X dev`) */
const WITH_ARGUMENT = new Set(['-W', '-X', '--check-hash-based-pycs']);
/** interpreter flags that take none, alone or combined (`-B`, `-u`, `-OO`, `-Bu`) */
const FLAGS = /^-[bBdEiIOPqsSuvx]+$/;
/** the `-c` command multiprocessing starts its spawned and forkserver children with */
const MULTIPROCESSING_CHILD = /\bfrom multiprocessing\.(?:spawn import spawn_main|forkserver import main)\b/;

/**
 * The program a python command line runs: its arguments from the script (or `-m module`, `-c
 * command`, `-` for stdin) on, interpreter and interpreter options left out; null when it runs none
 * (an interactive interpreter, a command line that cannot be read).
 */
export function pythonProgram(argv: readonly string[]): string[] | null {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (WITH_ARGUMENT.has(arg)) i++;
    else if (/^-[WX]./.test(arg) || FLAGS.test(arg)) continue;
    else if (arg === '-m' || arg === '-c') return argv.length > i + 1 ? argv.slice(i) : null;
    else if (/^-[mc]./.test(arg)) return [arg.slice(0, 2), arg.slice(2), ...argv.slice(i + 1)];
    else return argv.slice(i);
  }
  return null;
}

export interface TreeProcess {
  pid: number;
  ppid: number;
  /** its command line, null when it could not be read */
  argv: readonly string[] | null;
}

/** a multiprocessing child started by 'spawn' or 'forkserver' */
const isSpawned = (program: string[] | null) => program?.[0] === '-c' && MULTIPROCESSING_CHILD.test(program[1] ?? '');

/**
 * The pids of `processes` (the tree's other Python processes serving an agent) that run the root's
 * program, in the order given.
 */
export function rootProgramWorkers(root: Pick<TreeProcess, 'pid' | 'argv'>, processes: readonly TreeProcess[]): number[] {
  const rootLine = root.argv?.join('\0');
  const rootProgram = root.argv ? pythonProgram(root.argv)?.join('\0') : undefined;
  const others = processes.filter((p) => p.pid !== root.pid && p.argv !== null).map((p) => ({ p, program: pythonProgram(p.argv!) }));
  // the root's command line, or its program under other interpreter options
  const runsRoots = ({ p, program }: (typeof others)[number]) =>
    (rootLine !== undefined && p.argv!.join('\0') === rootLine) || (rootProgram !== undefined && program?.join('\0') === rootProgram);
  const chosen = new Set(others.filter(runsRoots).map(({ p }) => p.pid));
  // spawned children of the root or of one chosen; a child's parent may itself be one (uvicorn
  // --reload --workers 2): until nothing is added
  for (let added = true; added; ) {
    added = false;
    for (const { p, program } of others) {
      if (!chosen.has(p.pid) && isSpawned(program) && (p.ppid === root.pid || chosen.has(p.ppid))) {
        chosen.add(p.pid);
        added = true;
      }
    }
  }
  return processes.filter((p) => chosen.has(p.pid)).map((p) => p.pid);
}
