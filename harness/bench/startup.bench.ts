// seep's cold start: `seep --version` of the built command against `node -e 0` (the floor no Node
// program starts below), alternating, in the same run. Target: seep --version within 150 ms wall.
// Before the build step seep ran its TypeScript through tsx at every start: 0.37-0.60 s, 113 MB.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { printTarget } from './benchTarget.ts';

const SEEP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli/seep.js');
const ROUNDS = 15;
const TARGET_MS = 150;

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export default async function startup(): Promise<void> {
  const seep: number[] = [];
  const floor: number[] = [];
  wallMs([SEEP, '--version']); // the first start reads the files from disk
  for (let i = 0; i < ROUNDS; i++) {
    seep.push(wallMs(['--max-semi-space-size=4', SEEP, '--version']));
    floor.push(wallMs(['-e', '0']));
  }
  const s = median(seep);
  const f = median(floor);
  console.log(`node -e 0            ${f.toFixed(1)} ms (anchor)`);
  console.log(`seep --version       ${s.toFixed(1)} ms  ${(s / f).toFixed(2)}x the anchor`);
  printTarget({ what: 'seep --version wall time', limit: `<= ${TARGET_MS} ms`, anchor: `node -e 0 ${f.toFixed(1)} ms`, measured: `${s.toFixed(1)} ms`, ratio: `${(s / f).toFixed(2)}x the anchor`, pass: s <= TARGET_MS });
}
