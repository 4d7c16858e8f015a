// `seep init`: look at the project (its root, the function's module, a lockfile), render the
// scenario (and the workflow), and write them, never over an existing file.
// Exit codes: 0 written (or the explanation of the kinds: alone or --help), 2 bad input or a file already there.
import { readFile, mkdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitCode } from '../report/runReportSchema.ts';
import { findProjectRoot, SCENARIO_FILE } from '../scenario/loadScenario.ts';
import { InitUsageError, parseInitArgs, type InitRequest, type InitTarget } from './initArgs.ts';
import { INIT_HELP } from './initHelp.ts';
import { renderScenario } from './scenarioTemplate.ts';
import { defaultName, looksPython, scenarioSlug } from './targetNaming.ts';
import { renderWorkflow, type WorkflowInput } from './workflowTemplate.ts';
import { packRunningSeep, type SeepTarball } from './seepTarball.ts';
import { createHash } from 'node:crypto';

export interface InitOptions {
  cwd: string;
  /** packs the running seep, for a workflow whose project does not install seep (seepTarball.ts) */
  packSeep?: () => Promise<SeepTarball>;
}

interface PlannedFile {
  file: string;
  content: string | Buffer;
}

export async function initCommand(argv: string[], opts: InitOptions): Promise<ExitCode> {
  try {
    const args = parseInitArgs(argv);
    // alone, it is the documented way to see the three kinds: an answer, not an error
    if (args.help) {
      console.log(INIT_HELP);
      return 0;
    }
    return await writeScenario(args, opts);
  } catch (err) {
    // bad input and unusable files alike get one line: a stack would bury what to fix
    console.error(`seep init: ${(err as Error).message}${err instanceof InitUsageError ? "\nsee 'seep init --help'" : ''}`);
    return 2;
  }
}

async function writeScenario(req: InitRequest, opts: InitOptions): Promise<ExitCode> {
  const projectRoot = await findProjectRoot(opts.cwd);
  const warnings: string[] = [];
  const target = await projectTarget(req.target, opts.cwd, projectRoot, warnings);
  const name = req.name ?? defaultName(target);
  const outFile = req.out ? path.resolve(opts.cwd, req.out) : path.join(projectRoot, 'scenarios', `${scenarioSlug(target, req.name)}.scenario.mjs`);
  if (!SCENARIO_FILE.test(outFile)) warnings.push(`${shown(opts.cwd, outFile)} is not named *.scenario.mjs: 'seep run <folder>' will not find it, run it by its path`);
  if (target.kind === 'service' && !target.command.some((a) => a.includes('{port}'))) {
    warnings.push("the command has no '{port}', so the service will not listen where seep looks for it: see the NOTE in the file for how to pass it");
  }

  const files: PlannedFile[] = [{
    file: outFile,
    content: renderScenario({
      target,
      name,
      iterations: req.iterations,
      warmup: req.warmup,
      runFrom: posix(path.relative(projectRoot, opts.cwd)) || undefined,
      scenarioPath: posix(path.relative(projectRoot, outFile)),
    }),
  }];
  if (req.ci === 'github') files.push(...(await planWorkflow(target, projectRoot, outFile, opts.packSeep ?? packRunningSeep, warnings)));

  for (const f of files) {
    if (await exists(f.file)) {
      console.error(`seep init: ${shown(opts.cwd, f.file, projectRoot)} already exists; nothing written (move it, or choose another --out or --name)`);
      return 2;
    }
  }
  await writeAll(files, opts.cwd);

  for (const w of warnings) console.error(`seep init: warning: ${w}`);
  for (const f of files) console.log(`wrote ${shown(opts.cwd, f.file, projectRoot)}`);
  const tarball = files.find((f) => f.file.endsWith('.tgz'));
  if (tarball) console.log(`commit ${shown(opts.cwd, tarball.file, projectRoot)} with the workflow: CI installs seep from it, checked by its sha512`);
  console.log(`\nnext: npx seep run ${shown(opts.cwd, outFile, projectRoot)}   (exit 0 passed, 1 a leak or budget failed, 2 could not run)`);
  return 0;
}

/**
 * The target as the scenario names it: a module path relative to the project root (seep resolves
 * paths against it), after checking the module is there and, cheaply, that it mentions the function.
 */
async function projectTarget(target: InitTarget, cwd: string, projectRoot: string, warnings: string[]): Promise<InitTarget> {
  if (target.kind !== 'function') return target;
  const abs = path.resolve(cwd, target.modulePath);
  const st = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new InitUsageError(`${target.modulePath}: no such file; expected an existing module, as path/to/module.py:function_name`);
    throw err;
  });
  if (!st.isFile()) throw new InitUsageError(`${target.modulePath}: not a file; expected a module, as path/to/module.py:function_name`);
  const source = await readFile(abs, 'utf8');
  const last = target.fn.split('.').at(-1)!;
  // a word match, not a parse: a function built at import time is still callable, so this only warns
  if (!new RegExp(`(^|[^\\w$])${last.replaceAll('$', '\\$')}([^\\w$]|$)`).test(source)) {
    warnings.push(`'${last}' does not appear in ${target.modulePath}; the scenario calls it anyway, check the name`);
  }
  return { ...target, modulePath: posix(path.relative(projectRoot, abs)) };
}

/**
 * The workflow, and the seep it runs: the project's own where package.json lists it, else this seep
 * packed into .seep/ beside the scenarios (kept as it is when already there), pinned by its sha512.
 */
async function planWorkflow(target: InitTarget, projectRoot: string, outFile: string, packSeep: () => Promise<SeepTarball>, warnings: string[]): Promise<PlannedFile[]> {
  // GitHub reads workflows only from the repository's root, which may be above a package's folder
  const repoRoot = (await gitRoot(projectRoot)) ?? projectRoot;
  const pkg = await readPackageJson(projectRoot);
  const files: PlannedFile[] = [];
  let seep: WorkflowInput['seep'] = { from: 'dependency' };
  if (!(pkg !== undefined && (pkg.name === 'seep' || 'seep' in { ...pkg.dependencies, ...pkg.devDependencies }))) {
    const packed = await packSeep();
    const file = path.join(projectRoot, '.seep', packed.fileName);
    const kept = await readFile(file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const tarball = kept ? { ...packed, bytes: kept, sha512: createHash('sha512').update(kept).digest('hex') } : packed;
    if (kept) warnings.push(`${posix(path.relative(projectRoot, file))} is already there: the workflow pins it as it is`);
    else files.push({ file, content: tarball.bytes });
    seep = { from: 'tarball', file: posix(path.relative(projectRoot, file)), version: tarball.version, sha512: tarball.sha512 };
    if (pkg !== undefined) warnings.push(`seep is not in package.json: the workflow installs ${seep.file}; to run the project's own instead, npm install --save-dev ./${seep.file}`);
  }
  const input: WorkflowInput = {
    python: looksPython(target),
    node: { packageJson: pkg !== undefined, lockfile: await exists(path.join(projectRoot, 'package-lock.json')) },
    requirementsTxt: await exists(path.join(projectRoot, 'requirements.txt')),
    scenariosDir: posix(path.relative(projectRoot, path.dirname(outFile))) || '.',
    workingDirectory: posix(path.relative(repoRoot, projectRoot)) || undefined,
    seep,
  };
  files.unshift({ file: path.join(repoRoot, '.github', 'workflows', 'seep.yml'), content: renderWorkflow(input) });
  return files;
}

interface PackageJson {
  name?: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

async function readPackageJson(projectRoot: string): Promise<PackageJson | undefined> {
  const file = path.join(projectRoot, 'package.json');
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as PackageJson;
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message}); the workflow's install step depends on it`);
  }
}

async function gitRoot(from: string): Promise<string | undefined> {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (await exists(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Writes every file or none: 'wx' refuses a file that appeared since the check, and undoes the rest. */
async function writeAll(files: PlannedFile[], cwd: string): Promise<void> {
  const written: string[] = [];
  try {
    for (const f of files) {
      await mkdir(path.dirname(f.file), { recursive: true });
      await writeFile(f.file, f.content, { flag: 'wx' });
      written.push(f.file);
    }
  } catch (err) {
    await Promise.all(written.map((f) => unlink(f)));
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(`${shown(cwd, (err as NodeJS.ErrnoException).path ?? '')} already exists; nothing written`);
    }
    throw err;
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return false;
      throw err;
    },
  );
}

/** A path as the user can type it from where they are: relative, unless that means climbing out of the project. */
function shown(cwd: string, file: string, projectRoot = cwd): string {
  const insideProject = !path.relative(projectRoot, file).startsWith('..');
  return insideProject ? path.relative(cwd, file) : file;
}

function posix(p: string): string {
  return p.split(path.sep).join('/');
}
