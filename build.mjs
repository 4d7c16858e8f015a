// `npm run build` (also at `prepare`, so `npm ci`, a git install and `npm pack` all build): a clean
// dist/ from tsc over harness/*.ts (tsconfig.build.json: product code only), then the files seep
// runs as they are (the agents injected into targets, the function workers, the HTML page's script
// and style, the CommonJS root export) copied beside the compiled modules, so each module finds them
// where it did in harness/.
import { execFileSync } from 'node:child_process';
import { chmod, cp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(fileURLToPath(import.meta.url));
const from = path.join(root, 'harness');
const to = path.join(root, 'dist');

/** python caches: never shipped */
const NOT_SHIPPED = /(^|\/)__pycache__(\/|$)/;

await rm(to, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const entries = await readdir(from, { recursive: true, withFileTypes: true });
const assets = entries
  .filter((e) => e.isFile() && !e.name.endsWith('.ts'))
  .map((e) => path.relative(from, path.join(e.parentPath, e.name)))
  .filter((rel) => !NOT_SHIPPED.test(rel));
await Promise.all(assets.map((rel) => cp(path.join(from, rel), path.join(to, rel))));
// tsc writes files without the exec bit: the `seep` bin must stay runnable after a rebuild (`npx seep`)
await chmod(path.join(to, 'cli/seep.js'), 0o755);
