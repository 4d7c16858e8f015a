// Finds scenario files and loads their default export, validating it before anything starts.
import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './types.ts';
import { resolveSeepFromScenarios } from './seepSpecifier.ts';
import { validateScenario, type ScenarioProblem } from './scenarioSchema.ts';

export const SCENARIO_FILE = /\.scenario\.(ts|mts|mjs|js|cjs)$/;

/** A scenario file that cannot be used. Exit code 2. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ScenarioProblem[],
  ) {
    super(`${file}: ${describeProblems(problems)}`);
  }

  /** the problems without the file name, for a place that names the file already */
  get detail(): string {
    return describeProblems(this.problems);
  }
}

function describeProblems(problems: ScenarioProblem[]): string {
  return problems.map((p) => (p.field.startsWith('(') ? p.message : `${p.field}: ${p.message}`)).join('; ');
}

const INIT_HINT = "write a first one with 'npx seep init' (it explains the three kinds), or name scenario files or folders: seep run path/to/x.scenario.ts";

export interface LoadedScenario {
  /** path relative to the project root */
  file: string;
  scenario: Scenario;
}

/** Expands directories into the scenario files under them (sorted); files are taken as given. */
export async function findScenarioFiles(targets: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const target of targets) {
    const abs = path.resolve(cwd, target);
    const st = await stat(abs).catch(() => null);
    if (!st) throw new ScenarioFileError(target, [{ field: '(path)', message: `no such file or directory (looked for ${abs}); ${INIT_HINT}` }]);
    if (st.isDirectory()) {
      const entries = await readdir(abs, { recursive: true, withFileTypes: true });
      out.push(
        ...entries
          .filter((e) => e.isFile() && SCENARIO_FILE.test(e.name) && !e.parentPath.includes('node_modules'))
          .map((e) => path.join(e.parentPath, e.name))
          .sort(),
      );
    } else {
      out.push(abs);
    }
  }
  if (out.length === 0) {
    const where = targets.map((t) => path.resolve(cwd, t)).join(', ');
    throw new ScenarioFileError(targets.join(' '), [{ field: '(path)', message: `no scenario files (*.scenario.ts, .mts, .mjs, .js or .cjs) under ${where}; ${INIT_HINT}` }]);
  }
  return [...new Set(out)];
}

const TYPESCRIPT = /\.(ts|mts|cts)$/;

/**
 * JavaScript scenarios are imported as they are. TypeScript ones go through tsx, loaded only then
 * (seep itself is compiled JavaScript), and always as ES modules: in a project whose package.json
 * says "type": "commonjs" (what `npm init -y` writes), tsx's global loader would compile the file to
 * CommonJS and Node 20 then refuses to require() seep's ES modules "in a cycle".
 */
async function importScenarioModule(absFile: string): Promise<{ default?: unknown }> {
  resolveSeepFromScenarios();
  const url = pathToFileURL(absFile).href;
  if (!TYPESCRIPT.test(absFile)) return (await import(url)) as { default?: unknown };
  const { tsImport } = await import('tsx/esm/api');
  return (await tsImport(url, import.meta.url)) as { default?: unknown };
}

/** The cause in one line, with the fix where it is known. */
function loadFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const first = String(e?.message ?? err).split('\n')[0]!;
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && /'seep'/.test(first)) {
    return `${first} (install seep in this project, from a tarball made with npm pack: npm install --save-dev /path/to/seep-0.1.0.tgz, see docs/getting-started.md; or drop the import: a plain \`export default { ... }\` object needs none)`;
  }
  return first;
}

export async function loadScenarioFile(absFile: string, projectRoot: string): Promise<LoadedScenario> {
  const file = path.relative(projectRoot, absFile) || absFile;
  let mod: { default?: unknown };
  try {
    mod = await importScenarioModule(absFile);
  } catch (err) {
    throw new ScenarioFileError(file, [{ field: '(file)', message: `could not be loaded: ${loadFailure(err)}` }]);
  }
  let value = mod.default;
  // CommonJS files compiled as ESM wrap module.exports as default: accept `module.exports = { default: {...} }` too.
  if (value && typeof value === 'object' && 'default' in value && !('step' in value)) value = (value as { default: unknown }).default;
  if (value === undefined) {
    throw new ScenarioFileError(file, [{ field: '(default export)', message: 'expected `export default { name, step, ... }`, found no default export' }]);
  }
  const result = validateScenario(value);
  if (!result.ok) throw new ScenarioFileError(file, result.problems);
  return { file, scenario: result.scenario };
}

/** The folder scenario paths resolve against: the nearest one at or above `from` holding package.json or .git. */
export async function findProjectRoot(from: string): Promise<string> {
  let dir = path.resolve(from);
  for (;;) {
    for (const marker of ['package.json', '.git']) {
      if (await stat(path.join(dir, marker)).catch(() => null)) return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(from);
    dir = up;
  }
}
