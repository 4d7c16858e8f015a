// `npm run eval [-- --out path] [--per-family N] [--heap-runs N] [--only text] [--no-corpus] [--no-modules] [--no-servers]`:
// the growth verdict's error rates on the synthetic families, the targets (heapTargets.ts; exit 1
// when one is missed), then the labelled corpus of real programs through the real runner, then the
// framework corpus (real servers, each through its own scenario file), printed and written as JSON
// (default reports/eval.json).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBytes } from '../scenario/units.ts';
import { corpusMatrix, mislabelled, runCorpus, seedSweep, sweepSummary, type CorpusResult } from './corpusEval.ts';
import { CORPUS, SERVER_CORPUS } from './corpusManifest.ts';
import { FRAMEWORK_MODULES, missingModules, PYTHON } from '../../fixtures/testing/pythonFrameworks.ts';
import { runServerCorpus, type ServerResult } from './serverCorpusEval.ts';
import { runSyntheticEval } from './syntheticEval.ts';
import { runHeapTargets, TARGET_POINTS } from './heapTargets.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** noise seeds per hard corpus case */
const SEEDS = Number(arg('--seeds') ?? 10);

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const out = arg('--out') ?? 'reports/eval.json';
// 5000 per family: 35,000 clean RSS series and 10,000 clean count series. A rate of 1 in 1000 needs
// ten thousand to resolve: at 1000 per family, 71 false positives in 70,000 RSS series (1.0 in
// 1000) had shown as 9 of 7000 (1.3) on one seed set and could as well have shown as 4.
const perFamily = Number(arg('--per-family') ?? 5000);
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
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);

// the targets: heap evidence on Node and Python function targets, noise as measured (heapNoise.ts)
const targetsStarted = Date.now();
// 10,000 clean series per runtime
const heapRuns = Number(arg('--heap-runs') ?? 5000);
const targets = runHeapTargets({ leakRuns: heapRuns, cleanRuns: 2 * heapRuns, firstSeed: 1, otherSignals: r.matrix });
console.log(`\ntargets, ${TARGET_POINTS - 1} iterations: 16 KiB/iteration caught in >= 99%, at most 1 clean series in 1000 called a leak`);
console.log('  signal                                      16 KiB/it caught   false positives');
for (const t of targets.signals) {
  const caught = Number.isNaN(t.detection) ? '—' : `${(t.detection * 100).toFixed(1)}% of ${t.leakRuns}`;
  console.log(`  ${t.signal.padEnd(42)}  ${caught.padEnd(17)}  ${t.falsePositives} of ${t.cleanRuns} (${(t.falsePositiveRate * 1000).toFixed(2)} per 1000)`);
}
console.log(`  ${'overall'.padEnd(42)}  ${''.padEnd(17)}  ${targets.overall.falsePositives} of ${targets.overall.cleanRuns} (${(targets.overall.falsePositiveRate * 1000).toFixed(2)} per 1000)`);
console.log(`  smaller heap leaks caught: ${targets.smaller.map((x) => `${x.runtime} ${formatBytes(x.slope)}/it ${(x.detection * 100).toFixed(1)}%`).join(', ')}`);
for (const m of targets.missed) console.log(`  MISSED: ${m}`);
// 1 in 1000 against 2 in 1000 needs some ten thousand clean series: fewer, and a met target may be luck
for (const t of targets.signals.filter((x) => x.cleanRuns < 10_000)) console.log(`  note: ${t.signal}: ${t.cleanRuns} clean series are too few to tell 1 in 1000 from 2 (about 10,000 are needed)`);
console.log(`(${((Date.now() - targetsStarted) / 1000).toFixed(1)} s)`);

let corpus: object | null = null;
if (!process.argv.includes('--no-corpus') && !process.argv.includes('--no-modules')) {
  const only = arg('--only');
  const programs = CORPUS.filter((p) => only === undefined || p.name.includes(only));
  const corpusStarted = Date.now();
  console.log(`\ncorpus of real programs: ${programs.length} programs through the runner, 2 at a time`);
  const line = (r: CorpusResult) => {
    const ok = mislabelled([r]).length === 0 ? 'ok  ' : 'MISS';
    const rss = r.rss ? `rss ${r.rss.verdict} ${formatBytes(r.rss.slope)}/it` : 'rss -';
    const failing = r.failing.length > 0 ? r.failing.join(' ') : 'nothing';
    return `  ${ok} ${r.program.name.padEnd(40)} ${String(r.program.iterations).padStart(2)} it  fails ${failing}${ok === 'ok  ' ? '' : ` (label: ${r.program.expectFail.join(' ') || 'nothing'})`}  [${rss}]${r.error ? `  error: ${r.error}` : ''}`;
  };
  const results = await runCorpus(programs, { repoRoot: REPO_ROOT, concurrency: 2, onResult: (r) => console.log(line(r)) });
  const m = corpusMatrix(results);
  const wrong = mislabelled(results);
  console.log(`\n${m.format('Corpus, per resource: truth from the label, verdict from the default leak check')}`);
  console.log(`\nprograms judged exactly as labelled: ${results.length - wrong.length} of ${results.length}`);
  console.log(`leak verdicts on clean (program, resource) pairs: ${(m.falsePositiveRate() * 100).toFixed(1)}%; leaks caught: ${(m.detectionRate() * 100).toFixed(1)}%`);
  for (const r of wrong) {
    console.log(`  not as labelled: ${r.program.name}: ${r.rss?.reason ?? r.error ?? ''}`);
    if (r.program.unstable) console.log(`    known: ${r.program.unstable.why}`);
  }
  const sweeps = [];
  for (const p of programs.filter((q) => q.hard !== undefined)) {
    const runs = await runCorpus(seedSweep(p, SEEDS), { repoRoot: REPO_ROOT, concurrency: 2 });
    const s = sweepSummary(runs);
    console.log(`hard case, ${p.name}, ${p.iterations} iterations, NOISE_SEED 1-${SEEDS}: as labelled ${s.asLabelled}/${s.runs} (RSS leak ${s.leak}, inconclusive ${s.inconclusive}, bounded ${s.bounded})`);
    console.log(`  ${p.hard}`);
    sweeps.push({ name: p.name, iterations: p.iterations, ...s });
  }
  console.log(`(${((Date.now() - corpusStarted) / 1000).toFixed(1)} s)`);
  corpus = {
    hardCaseSweeps: sweeps,
    rows: [...m.rows.values()],
    falsePositiveRate: m.falsePositiveRate(),
    detectionRate: m.detectionRate(),
    programs: results.map((r) => ({
      name: r.program.name, path: r.program.path, kind: r.program.kind, iterations: r.program.iterations, warmup: r.program.warmup,
      expectFail: r.program.expectFail, failing: r.failing, asLabelled: !wrong.includes(r), rss: r.rss, error: r.error ?? null, durationMs: r.durationMs,
    })),
  };
}

let servers: object | null = null;
if (!process.argv.includes('--no-corpus') && !process.argv.includes('--no-servers')) {
  const only = arg('--only');
  const programs = SERVER_CORPUS.filter((p) => only === undefined || p.name.includes(only));
  const missing = missingModules(PYTHON, FRAMEWORK_MODULES);
  console.log(`\nframework corpus: ${programs.length} servers and daemons, each through its scenario file, one at a time`);
  if (missing.length > 0) {
    console.log(`  not run: ${PYTHON} cannot import ${missing.join(', ')} (npm test installs Debian's packages when run as root; see fixtures/testing/pythonFrameworks.ts)`);
    servers = { notRun: `missing ${missing.join(', ')}` };
  } else {
    const line = (r: ServerResult) => {
      const ok = mislabelled([r]).length === 0 ? 'ok  ' : 'MISS';
      const failing = r.failing.length > 0 ? r.failing.join(' ') : 'nothing';
      const suspect = r.program.suspect ? `  suspect ${r.suspectNamed ? 'named' : `NOT named (top: ${r.topSuspects.map((s) => s.name).join('; ') || 'none'})`}` : '';
      return `  ${ok} ${r.program.name.padEnd(58)} ${(r.durationMs / 1000).toFixed(1).padStart(5)} s  fails ${failing}${ok === 'ok  ' ? '' : ` (label: ${r.program.expectFail.join(' ') || 'nothing'})`}${suspect}${r.error ? `  error: ${r.error}` : ''}`;
    };
    const results = await runServerCorpus(programs, REPO_ROOT, (r) => console.log(line(r)));
    const m = corpusMatrix(results);
    const wrong = mislabelled(results);
    console.log(`\n${m.format('Framework corpus, per resource: truth from the label, verdict from the default leak check')}`);
    console.log(`\nservers judged exactly as labelled: ${results.length - wrong.length} of ${results.length}; suspects named: ${results.filter((r) => r.program.suspect && r.suspectNamed).length} of ${results.filter((r) => r.program.suspect).length}`);
    servers = {
      rows: [...m.rows.values()],
      programs: results.map((r) => ({
        name: r.program.name, scenario: r.program.scenario, variant: r.program.variant, kind: r.program.kind, expectFail: r.program.expectFail, failing: r.failing,
        asLabelled: !wrong.includes(r), suspectNamed: r.suspectNamed, topSuspects: r.topSuspects.map((s) => s.name), rss: r.rss, error: r.error ?? null, durationMs: r.durationMs,
      })),
    };
  }
}

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
  targets,
  corpus,
  servers,
}, null, 2));
console.log(`wrote ${out}`);
if (targets.missed.length > 0) {
  console.error(`eval: ${targets.missed.length} target(s) missed`);
  process.exitCode = 1;
}
