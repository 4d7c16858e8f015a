// How to run a script file in a child `node`: TypeScript (a user's module, or seep's own worker
// modules when seep runs from source under vitest) goes through tsx's loader from seep's own
// node_modules, so the target's project need not have it; JavaScript runs as it is.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = new Set(['.ts', '.mts', '.cts']);
const JAVASCRIPT = new Set(['.js', '.mjs', '.cjs']);

/** node's arguments before the script's own: `[...nodeScriptArgs(file), ...scriptArgs]`. */
export function nodeScriptArgs(file: string): string[] {
  const ext = path.extname(file);
  if (JAVASCRIPT.has(ext)) return [file];
  if (!TYPESCRIPT.has(ext)) throw new Error(`${file}: expected a .js, .mjs, .cjs or .ts file`);
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, file];
}

/** A module beside the calling one, by its name without extension: `.ts` from source, `.js` built. */
export function siblingScript(callerUrl: string, name: string): string {
  const caller = new URL(callerUrl).pathname;
  return path.join(path.dirname(caller), `${name}${path.extname(caller)}`);
}
