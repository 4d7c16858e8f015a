// `seep run`, `seep report`, `seep init`, `seep compare`, `seep merge`, `seep judge`, `seep pytest` and `seep caller`.
// Exit codes: 0 every scenario passed, 1 a check failed,
// 2 a scenario could not run (bad file, target did not start or crashed, step threw) or bad usage.
// Each command is imported only when it runs: `seep --version` and `--help` load nothing else.
import { parseArgs } from 'node:util';
import type { ExitCode } from '../report/schema.ts';
import { SEEP_VERSION } from '../seepVersion.ts';
import { OPTIONS, USAGE, UsageError } from './options.ts';

export async function main(argv: string[]): Promise<ExitCode> {
  // init has its own options, and the target's command after `--` must reach it untouched
  if (argv[0] === 'init') return (await import('../init/initCommand.ts')).initCommand(argv.slice(1), { cwd: process.cwd(), seepVersion: SEEP_VERSION });
  // pytest's own arguments go to it untouched
  if (argv[0] === 'pytest') return (await import('./pytestCommand.ts')).pytestCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`seep: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(SEEP_VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  try {
    if (command === 'run') return await (await import('./runCommand.ts')).runCommand(rest, values);
    if (command === 'report') return await (await import('./reportCommand.ts')).reportCommand(rest, values);
    if (command === 'compare') return await (await import('./compareCommand.ts')).compareCommand(rest, values);
    if (command === 'merge') return await (await import('./mergeCommand.ts')).mergeCommand(rest, values);
    if (command === 'judge') return await (await import('./judgeCommand.ts')).judgeCommand(rest, values);
    if (command === 'caller') return await (await import('./callerCommand.ts')).callerCommand(rest, values);
    throw new UsageError(`unknown command '${command}'`);
  } catch (err) {
    if (err instanceof UsageError) console.error(`seep: ${err.message}\n\n${USAGE}`);
    else if ((err as Error).name === 'OutputError') console.error(`seep: ${(err as Error).message}`);
    else console.error(`seep: ${(err as Error).stack ?? String(err)}`);
    return 2;
  }
}
