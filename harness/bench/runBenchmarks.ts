// `npm run bench`: runs every harness/bench/*.bench.ts (or those whose name contains an argument).
// Each bench default-exports an async function that prints its own lines; ratios are measured
// against an anchor in the same run, because timings on this machine are noisy.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(dir))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

let failed = false;
for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}`);
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: () => Promise<void> };
  try {
    await mod.default();
  } catch (err) {
    failed = true;
    console.error(`bench ${file} failed:`, err);
  }
}
process.exitCode = failed ? 1 : 0;
