// What `seep init` calls a target when the user gives no --name, the file slug, and whether the
// target is Python (the CI workflow then sets Python up). Pure: argv and paths in, strings out.
import path from 'node:path';
import type { InitTarget } from './initArgs.ts';
import { fileSlug } from '../scenario/fileSlug.ts';

const SCRIPT = /\.(py|js|mjs|cjs|ts|mts|sh|rb)$/;
const PYTHON_PROGRAM = /^(python[\d.]*|pypy[\d.]*|gunicorn|uvicorn|hypercorn|daphne|granian|celery|flask|django-admin|uv|poetry|pipenv|pdm|hatch)$/;
const NAME_MAX = 60;
const SLUG_MAX = 50;

/** The script a command runs (`python3 tool.py` -> tool), else the program itself (`gunicorn`). */
export function commandLabel(command: string[]): string {
  const script = command.find((arg) => SCRIPT.test(arg) && !arg.startsWith('-'));
  const base = path.basename(script ?? command[0]!);
  return script ? base.replace(SCRIPT, '') : base;
}

export function defaultName(target: InitTarget): string {
  switch (target.kind) {
    case 'service':
      return `${commandLabel(target.command)}: GET ${target.path}`;
    case 'function':
      return `${moduleLabel(target.modulePath)}.${target.fn}()`;
    case 'cli':
      return shorten(`cli: ${target.command.join(' ')}`);
  }
}

/** The scenario file's stem: from --name when given, else from the target (`gunicorn`, `jobs-run-crew`, `tool`). */
export function scenarioSlug(target: InitTarget, name: string | undefined): string {
  if (name !== undefined) return slugify(name);
  if (target.kind === 'function') return slugify(`${moduleLabel(target.modulePath)}-${target.fn}`);
  return slugify(commandLabel(target.command));
}

export function slugify(text: string): string {
  return fileSlug(text, SLUG_MAX);
}

/** Whether the target runs on Python: by the module's extension or the command's program or script. */
export function looksPython(target: InitTarget): boolean {
  if (target.kind === 'function') return target.modulePath.endsWith('.py');
  return PYTHON_PROGRAM.test(path.basename(target.command[0]!)) || target.command.some((arg) => arg.endsWith('.py'));
}

function moduleLabel(modulePath: string): string {
  return path.basename(modulePath).replace(SCRIPT, '');
}

function shorten(text: string): string {
  return text.length <= NAME_MAX ? text : `${text.slice(0, NAME_MAX - 1)}…`;
}
