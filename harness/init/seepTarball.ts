// The running seep as a tarball, for the workflow of a project that does not install seep itself (a
// Python repository with no package.json): `npm pack` of this seep's own package folder, which the
// project commits and CI installs after checking its sha512. seep is not on the npm registry, and a
// workflow that fetched "seep" by name would run whatever someone published under that name.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SeepTarball {
  /** the file name npm gives it: seep-<version>.tgz */
  fileName: string;
  version: string;
  bytes: Buffer;
  /** hex, as `sha512sum` prints and checks it */
  sha512: string;
}

/** This module's package: dist/init/ in an install, harness/init/ in a checkout run from source. */
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** npm as the user runs it: the one running us under npx or npm run, else npm on PATH. */
function npmCommand(env: NodeJS.ProcessEnv): [string, string[]] {
  const cli = env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? [process.execPath, [cli]] : ['npm', []];
}

export async function packRunningSeep(env: NodeJS.ProcessEnv = process.env): Promise<SeepTarball> {
  const out = await mkdtemp(path.join(os.tmpdir(), 'seep-pack-'));
  try {
    const [command, pre] = npmCommand(env);
    // --ignore-scripts: an installed seep has no build to run, and a checkout's dist/ is what runs now
    const args = [...pre, 'pack', PACKAGE_ROOT, '--ignore-scripts', '--json', '--pack-destination', out];
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(command, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, so, se) => {
        if (err) reject(new Error(`cannot pack this seep (${PACKAGE_ROOT}) for the workflow: npm pack failed: ${(se || err.message).trim().split('\n').at(-1)}`));
        else resolve(so);
      });
    });
    const [packed] = JSON.parse(stdout) as { filename: string; name: string; version: string }[];
    if (!packed || packed.name !== 'seep') throw new Error(`cannot pack this seep for the workflow: ${PACKAGE_ROOT} packs as '${packed?.name}', not seep`);
    const bytes = await readFile(path.join(out, packed.filename));
    return { fileName: packed.filename, version: packed.version, bytes, sha512: createHash('sha512').update(bytes).digest('hex') };
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}
