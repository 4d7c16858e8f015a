// `seep run`, `seep report`, `seep init`, `seep compare`, `seep merge`, `seep judge`, `seep accept`,
// `seep bisect`, `seep pytest` and `seep caller`.
// Exit codes: 0 every scenario passed, 1 a check failed, 2 a scenario could not run (bad file,
// target did not start or crashed, step threw) or bad usage, 130 (143) stopped by SIGINT (SIGTERM).
// Each command is imported only when it runs: `seep --version` and `--help` load nothing else.
import { parseArgs } from 'node:util';
import { SEEP_VERSION } from '../seepVersion.ts';
import { OPTIONS, UsageError, type CliExitCode } from './options.ts';
import { commandUsage, isCommand, seeHelp, USAGE, type Command } from './commandHelp.ts';

/** One line saying what is wrong, and where the whole usage is: never the whole usage. */
function usageError(message: string, command: Command | undefined): 2 {
  console.error(`seep: ${message}\n${seeHelp(command)}`);
  return 2;
}

export async function main(argv: string[]): Promise<CliExitCode> {
  // init has its own options, and the target's command after `--` must reach it untouched
  if (argv[0] === 'init') return (await import('../init/initCommand.ts')).initCommand(argv.slice(1), { cwd: process.cwd() });
  // pytest's own arguments go to it untouched; its --help follows seep's few lines about the command
  if (argv[0] === 'pytest') {
    if (argv[1] === '--help' || argv[1] === '-h') console.log(`${commandUsage('pytest')}\n`);
    return (await import('./pytestCommand.ts')).pytestCommand(argv.slice(1));
  }
  const named = argv.find(isCommand);
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    return usageError((err as Error).message, named);
  }
  const { values, positionals } = parsed;
  if (values.version) {
    console.log(SEEP_VERSION);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help) {
    console.log(isCommand(command) ? commandUsage(command) : USAGE);
    return 0;
  }
  if (!command) {
    console.log(USAGE);
    return 2;
  }
  if (!isCommand(command)) return usageError(`unknown command '${command}'`, undefined);
  try {
    if (command === 'run') return await (await import('./runCommand.ts')).runCommand(rest, values);
    if (command === 'report') return await (await import('./reportCommand.ts')).reportCommand(rest, values);
    if (command === 'compare') return await (await import('./compareCommand.ts')).compareCommand(rest, values);
    if (command === 'merge') return await (await import('./mergeCommand.ts')).mergeCommand(rest, values);
    if (command === 'accept') return await (await import('./acceptCommand.ts')).acceptCommand(rest, values);
    if (command === 'bisect') return await (await import('./bisectCommand.ts')).bisectCommand(rest, values);
    if (command === 'judge') return await (await import('./judgeCommand.ts')).judgeCommand(rest, values);
    if (command === 'caller') return await (await import('./callerCommand.ts')).callerCommand(rest, values);
    // init and pytest were handled above, before the shared options
    return usageError(`'${command}' takes its own arguments first: seep ${command} ...`, command);
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message, command);
    if ((err as Error).name === 'OutputError') console.error(`seep: ${(err as Error).message}`);
    else console.error(`seep: ${(err as Error).stack ?? String(err)}`);
    return 2;
  }
}
