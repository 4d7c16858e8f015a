// `node harness/build/tsnode.mjs harness/eval/measureHeapNoise.ts [--iterations N]`: the noise of
// the runtime heap after GC in real targets, the measurements behind heapNoise.ts. Node: fixed
// fixtures run through the engine (a function worker, the heapUsed boundary series of the report).
// Python: fixed fixtures in /usr/bin/python3 reading glibc's malloc bytes in use and
// sys.getallocatedblocks() after gc.collect() (fixtures/heap-noise/python_heap_series.py).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { judgedResiduals, residualNoise } from '../analysis/detectableLeak.ts';
import { analyzeTrend } from '../analysis/trend.ts';
import { runScenario } from '../runner/runScenario.ts';
import { planRun } from '../scenario/runPlan.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const i = process.argv.indexOf('--iterations');
const ITERATIONS = i >= 0 ? Number(process.argv[i + 1]) : 60;

const NODE = [
  { path: 'fixtures/agent-targets/jobs.mjs', fn: 'runJob' },
  { path: 'fixtures/corpus/sessionStore.mjs', fn: 'login' },
  { path: 'fixtures/corpus/orderEvents.mjs', fn: 'placeOrder' },
  { path: 'fixtures/corpus/pollers.mjs', fn: 'watch' },
];
const PYTHON = [
  { path: 'fixtures/crew/crew.py', fn: 'run_crew', args: ['export'] },
  { path: 'fixtures/corpus/request_log.py', fn: 'handle' },
  { path: 'fixtures/corpus/job_observers.py', fn: 'run_job' },
];

function describe(name: string, y: number[]) {
  const x = y.map((_, k) => k);
  const trend = analyzeTrend({ y, x, kind: 'memory', per: 'iteration', unit: 'B', series: 'boundaries' });
  const { x: jx, r } = judgedResiduals(x, y, trend);
  const noise = residualNoise(jx, r);
  const maxAbs = Math.max(...r.map(Math.abs));
  // a late collection: a residual past 8 robust sds (and 16 KB), as the eval's outlier model counts them
  const outliers = r.filter((v) => Math.abs(v) > Math.max(8 * noise.sd, 16e3));
  const outlierRate = outliers.length / r.length;
  const outlierMedian = outliers.length ? outliers.map(Math.abs).sort((a, b) => a - b)[outliers.length >> 1]! : 0;
  const row0 = { name, points: y.length, verdict: trend.verdict, slope: trend.slope, sd: noise.sd, lag1: noise.lag1, factor: noise.autocorrelationFactor, maxAbs, outlierRate, outlierMedian, outlierSigns: outliers.map(Math.sign) };
  const row = row0;
  console.log(`${name.padEnd(58)} n=${y.length} ${trend.verdict.padEnd(12)} slope ${trend.slope.toFixed(1).padStart(8)}  sd ${noise.sd.toFixed(1).padStart(8)}  lag1 ${noise.lag1.toFixed(2).padStart(5)}  n/n* ${noise.autocorrelationFactor.toFixed(2)}  max|r| ${maxAbs.toFixed(0)}  outliers ${outliers.length} (median ${outlierMedian.toFixed(0)}, signs ${row.outlierSigns.join('')})`);
  return row;
}

const rows = [];
for (const t of NODE) {
  const report = await runScenario(planRun({
    name: `heap noise: ${t.path}`,
    module: { path: t.path, env: { VARIANT: 'fixed' } },
    warmup: 25,
    iterations: ITERATIONS,
    step: ({ call, iteration }) => call(t.fn, [iteration]),
  }, t.path), { repoRoot: REPO_ROOT, file: t.path });
  const b = report.series.boundaries;
  const y = b.values.heapUsed.filter((v, k): v is number => v !== null && b.phase[k] !== 'settle' && (b.iteration[k] ?? 0) >= 24);
  rows.push(describe(`node heapUsed ${t.path}`, y));
}
for (const t of PYTHON) {
  const out = execFileSync('/usr/bin/python3', [path.join(REPO_ROOT, 'fixtures/heap-noise/python_heap_series.py'), t.path, t.fn, '3', String(ITERATIONS), ...(t.args ? [JSON.stringify(t.args)] : [])], {
    cwd: REPO_ROOT, env: { ...process.env, VARIANT: 'fixed' }, encoding: 'utf8',
  });
  const series = JSON.parse(out.trim().split('\n').at(-1)!) as { mallocInUse: number[]; allocatedBlocks: number[] };
  rows.push(describe(`python malloc in use ${t.path}`, series.mallocInUse));
  rows.push(describe(`python allocated blocks ${t.path}`, series.allocatedBlocks));
}
console.log(JSON.stringify(rows));
