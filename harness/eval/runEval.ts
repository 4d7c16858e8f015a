// `npm run eval [-- --out path] [--per-family N]`: the growth verdict's error rates on the
// synthetic families, printed and written as JSON (default reports/eval.json).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatBytes } from '../scenario/units.ts';
import { runSyntheticEval } from './syntheticEval.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = arg('--out') ?? 'reports/eval.json';
const perFamily = Number(arg('--per-family') ?? 1000);
const started = Date.now();
const r = runSyntheticEval({ perFamily, firstSeed: 1 });

console.log(r.matrix.format(`Synthetic series: ${perFamily} per family, 50 iterations (count leak family: 10)`));
console.log(`\nfalse-positive rate on clean series: ${(r.falsePositiveRate * 1000).toFixed(2)} per 1000 (${r.cleanCount} clean series)`);
console.log(`32 KB/iteration leak, noise sd 0.5 MB (±1 MB), 50 iterations: caught ${(r.target32KB * 100).toFixed(1)}%`);
console.log(`one socket per iteration: caught from ${r.countLeakIterations ?? 'never'} iterations`);
console.log('\nsmallest leak caught, 50 iterations, white noise after GC:');
console.log('  noise sd     caught >=99%   caught >=50%');
for (const s of r.smallestLeak) {
  const f = (v: number | null) => (v === null ? '> 256 KB' : `${formatBytes(v)}/it`).padEnd(14);
  console.log(`  ${formatBytes(s.noiseSd).padEnd(11)}  ${f(s.caught99)} ${f(s.caught50)}`);
}
console.log('\ncorpus of real programs: not run yet (fixtures/corpus pending)');
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, JSON.stringify({
  synthetic: {
    perFamily,
    rows: [...r.matrix.rows.values()],
    falsePositiveRate: r.falsePositiveRate,
    cleanCount: r.cleanCount,
    detectionRate: r.matrix.detectionRate(),
    target32KB: r.target32KB,
    countLeakIterations: r.countLeakIterations,
    smallestLeak: r.smallestLeak,
  },
  corpus: null,
}, null, 2));
console.log(`wrote ${out}`);
