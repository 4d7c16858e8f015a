// The known-leaks file `seep run` judges leaks against: seep.known-leaks.json at the project root
// when there is one, the file --known-leaks names (which must exist), or none with --no-known-leaks.
// Read and checked here, before any target starts: a malformed file exits 2 naming the entry.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KNOWN_LEAKS_FILE, type KnownLeaksPlan } from '../report/knownLeaksSchema.ts';
import { KnownLeaksFileError, parseKnownLeaks } from '../scenario/knownLeaksFile.ts';
import { UsageError, type Values } from './options.ts';

export { KnownLeaksFileError };

/** Where the file is: the path given, else the project root's. */
export function knownLeaksPath(values: Values, cwd: string, projectRoot: string): { file: string; given: boolean } {
  if (values['known-leaks'] !== undefined) return { file: path.resolve(cwd, values['known-leaks']), given: true };
  return { file: path.join(projectRoot, KNOWN_LEAKS_FILE), given: false };
}

/** How the file is named in messages and the report: from the project root, where it is kept. */
export function knownLeaksName(file: string, projectRoot: string): string {
  const rel = path.relative(projectRoot, file);
  return rel.startsWith('..') ? file : rel;
}

/** The file as text, or null when it is the default one and absent. */
export async function readKnownLeaksText(file: string, given: boolean): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !given) return null;
    throw new KnownLeaksFileError(`${file}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

export async function knownLeaksOption(values: Values, cwd: string, projectRoot: string): Promise<KnownLeaksPlan | undefined> {
  if (values['no-known-leaks']) {
    if (values['known-leaks'] !== undefined) throw new UsageError('--known-leaks and --no-known-leaks: give one');
    return undefined;
  }
  const { file, given } = knownLeaksPath(values, cwd, projectRoot);
  const text = await readKnownLeaksText(file, given);
  return text === null ? undefined : parseKnownLeaks(text, knownLeaksName(file, projectRoot));
}
