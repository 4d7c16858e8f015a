// `npm run bench`: runs every harness/bench/*.bench.ts (or those whose name contains an argument),
// each in a process of its own, one after another, so that one bench's heap never inflates the
// next one's RSS (the soak pipeline read 159.7 MB at its start after the others had run in the same
// process, 108.8 MB alone). Each bench default-exports an async function that prints its own lines;
// ratios are measured against an anchor in the same run, because timings on this machine are noisy.
// Targets are printed as `target: ..., PASS|MISS` lines (benchTarget.ts); the run exits 1 when a
// bench missed one or failed, after all have run, with the target lines gathered at the end.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TARGET_LINE } from './benchTarget.ts';

const self = fileURLToPath(import.meta.url);
const dir = path.dirname(self);
const tsnode = path.join(dir, '..', 'build', 'tsnode.mjs');

/** One bench, in this (child) process. */
async function runOne(file: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as { default: () => Promise<void> };
  await mod.default();
}

/** Runs a bench in its own node, with the flags `npm run bench` gives, echoing and keeping its lines. */
function runChild(file: string): Promise<{ code: number | null; lines: string[] }> {
  const child = spawn(process.execPath, [...process.execArgv, tsnode, self, '--one', file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  let rest = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    const text = rest + chunk.toString();
    const parts = text.split('\n');
    rest = parts.pop()!;
    lines.push(...parts);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (rest) lines.push(rest);
      resolve({ code, lines });
    });
  });
}

if (process.argv[2] === '--one') {
  try {
    await runOne(process.argv[3]!);
  } catch (err) {
    console.error(`bench ${process.argv[3]} failed:`, err);
    process.exitCode = 1;
  }
} else {
  const filters = process.argv.slice(2);
  const files = (await readdir(dir))
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  const targets: string[] = [];
  const failed: string[] = [];
  for (const file of files) {
    const name = file.replace(/\.bench\.ts$/, '');
    console.log(`\n## ${name}`);
    const { code, lines } = await runChild(file);
    const own = lines.filter((l) => TARGET_LINE.test(l));
    targets.push(...own.map((l) => `${name}: ${l}`));
    if (code !== 0) failed.push(`${name} exited ${code}`);
  }
  const missed = targets.filter((l) => l.endsWith(', MISS'));
  console.log(`\n## targets (${targets.length}, ${missed.length} missed)`);
  for (const l of targets) console.log(l);
  for (const f of failed) console.log(`FAILED: ${f}`);
  process.exitCode = missed.length > 0 || failed.length > 0 ? 1 : 0;
}
