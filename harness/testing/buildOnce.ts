// vitest globalSetup: the e2e tests run the `seep` command as users get it, compiled in dist/, so
// every test run builds it first from the sources under test (3 s); a stale dist/ is never tested.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export default function buildOnce(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  execFileSync(process.execPath, [path.join(root, 'harness/build/buildPackage.mjs')], { stdio: 'inherit' });
}
