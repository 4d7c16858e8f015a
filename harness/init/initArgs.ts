// `seep init` arguments -> a typed request. Everything a user can get wrong is caught here, with
// one line naming what was expected, so the templates only ever see valid, normalised values.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { ReadyCheck } from '../scenario/types.ts';

/** Bad `seep init` input: exit 2 with this one line. */
export class InitUsageError extends Error {}

export type InitTarget =
  | { kind: 'service'; command: string[]; ready: ReadyCheck; path: string }
  | { kind: 'function'; modulePath: string; fn: string }
  | { kind: 'cli'; command: string[] };

export interface InitRequest {
  target: InitTarget;
  name: string | undefined;
  out: string | undefined;
  iterations: number;
  warmup: number;
  ci: 'github' | undefined;
}

/** `seep init` alone or with --help: the caller prints the explanation of the three kinds. */
export type InitArgs = { help: true } | ({ help: false } & InitRequest);

const OPTIONS = {
  name: { type: 'string' },
  out: { type: 'string' },
  iterations: { type: 'string' },
  warmup: { type: 'string' },
  ci: { type: 'string' },
  'ready-http': { type: 'string' },
  'ready-tcp': { type: 'boolean' },
  'ready-stdout': { type: 'string' },
  path: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

const SERVICE_ONLY = ['ready-http', 'ready-tcp', 'ready-stdout', 'path'] as const;
const MODULE_FILE = /\.(py|js|mjs|cjs|ts|mts)$/;
// dotted names reach into a class or object, as the function workers resolve them
const FUNCTION_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export function parseInitArgs(argv: string[]): InitArgs {
  // Everything after the first `--` is the target's own argv, untouched: its flags are not ours.
  const dashes = argv.indexOf('--');
  const ours = dashes === -1 ? argv : argv.slice(0, dashes);
  const command = dashes === -1 ? undefined : argv.slice(dashes + 1);

  // `seep init cli python3 tool.py -x` would otherwise fail on '-x' as an unknown option of ours
  const wantsHelp = ours.includes('--help') || ours.includes('-h');
  if (command === undefined && !wantsHelp && (ours[0] === 'service' || ours[0] === 'cli')) targetCommand(ours[0], undefined);

  let parsed;
  try {
    parsed = parseArgs({ args: ours, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new InitUsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const [kind, ...specs] = positionals;
  if (values.help || (kind === undefined && command === undefined)) return { help: true };

  const common = {
    name: nonEmpty('name', values.name),
    out: nonEmpty('out', values.out),
    iterations: wholeNumber('iterations', values.iterations, 1) ?? 50,
    warmup: wholeNumber('warmup', values.warmup, 0) ?? 5,
    ci: ciProvider(values.ci),
  };

  if (kind !== 'service') {
    const misplaced = SERVICE_ONLY.find((flag) => values[flag] !== undefined);
    if (misplaced) throw new InitUsageError(`--${misplaced} is for a service; expected 'seep init service --${misplaced} ... -- <command>'`);
  }

  switch (kind) {
    case 'service':
      noSpecs(kind, specs);
      return { help: false, ...common, target: { kind, command: targetCommand(kind, command), ready: readyCheck(values), path: requestPath(values.path) } };
    case 'cli':
      noSpecs(kind, specs);
      return { help: false, ...common, target: { kind, command: targetCommand(kind, command) } };
    case 'function': {
      if (command !== undefined) throw new InitUsageError("a function takes no '-- command'; expected 'seep init function path/to/module.py:function_name'");
      if (specs.length !== 1) throw new InitUsageError("expected one function, as 'seep init function path/to/module.py:function_name'");
      return { help: false, ...common, target: functionTarget(specs[0]!) };
    }
    case undefined:
      throw new InitUsageError("expected a kind before '--': 'seep init service -- <command>' or 'seep init cli -- <command>'");
    default:
      throw new InitUsageError(`unknown kind '${kind}'; expected service, function or cli`);
  }
}

function noSpecs(kind: string, specs: string[]): void {
  if (specs.length > 0) throw new InitUsageError(`unexpected '${specs.join(' ')}' before '--'; expected 'seep init ${kind} [options] -- <command> [args...]'`);
}

function targetCommand(kind: string, command: string[] | undefined): string[] {
  if (command === undefined || command.length === 0 || command[0] === '') {
    throw new InitUsageError(`expected the ${kind}'s command after '--', e.g. 'seep init ${kind} -- ${kind === 'service' ? 'python3 server.py --port {port}' : 'python3 tool.py analyze'}'`);
  }
  return command;
}

function functionTarget(spec: string): InitTarget {
  // the last ':' splits, so the path may hold one (rare, but a function name never does)
  const colon = spec.lastIndexOf(':');
  const modulePath = spec.slice(0, colon);
  const fn = spec.slice(colon + 1);
  if (colon === -1 || !modulePath || !fn) throw new InitUsageError(`expected 'path/to/module.py:function_name', got '${spec}'`);
  if (!MODULE_FILE.test(modulePath)) throw new InitUsageError(`expected a module ending in .py, .js, .mjs, .cjs, .ts or .mts, got '${modulePath}'`);
  if (!FUNCTION_NAME.test(fn)) throw new InitUsageError(`expected a function name such as run_crew or Jobs.run, got '${fn}'`);
  return { kind: 'function', modulePath, fn };
}

function readyCheck(values: { 'ready-http'?: string; 'ready-tcp'?: boolean; 'ready-stdout'?: string }): ReadyCheck {
  const given = [values['ready-http'] !== undefined, values['ready-tcp'] === true, values['ready-stdout'] !== undefined].filter(Boolean).length;
  if (given > 1) throw new InitUsageError('expected at most one of --ready-http, --ready-tcp and --ready-stdout');
  if (values['ready-http'] !== undefined) return { http: requestPath(values['ready-http'], '--ready-http') };
  if (values['ready-stdout'] !== undefined) return { stdout: nonEmpty('ready-stdout', values['ready-stdout'])! };
  // a TCP connect works for any server; the template shows the http check beside it
  return { tcp: true };
}

function requestPath(value: string | undefined, flag = '--path'): string {
  if (value === undefined) return '/';
  if (!value.startsWith('/')) throw new InitUsageError(`${flag}: expected a path starting with '/', e.g. '/healthz', got '${value}'`);
  return value;
}

function ciProvider(value: string | undefined): 'github' | undefined {
  if (value === undefined || value === 'github') return value;
  throw new InitUsageError(`--ci: expected 'github', got '${value}'`);
}

function nonEmpty(flag: string, value: string | undefined): string | undefined {
  if (value !== undefined && value.trim() === '') throw new InitUsageError(`--${flag}: expected a value, got ''`);
  return value;
}

function wholeNumber(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new InitUsageError(`--${flag}: expected a whole number of at least ${min}, got '${value}'`);
  return Number(value);
}
