// The synthetic half of `npm run eval`: error rates per family, the smallest leak caught per
// noise level, and how many iterations a one-per-iteration count leak needs.
import { analyzeTrend } from '../analysis/trend.ts';
import { ConfusionMatrix } from './confusionMatrix.ts';
import { syntheticCases } from './syntheticCases.ts';
import { generateSeries, type SeriesSpec } from './syntheticSeries.ts';

export interface SyntheticEvalOptions {
  perFamily: number;
  firstSeed?: number;
  alpha?: number;
}

export interface SmallestLeak {
  noiseSd: number;
  /** smallest slope on the grid caught in at least 99% / 50% of cases, or null if none was */
  caught99: number | null;
  caught50: number | null;
}

export interface SyntheticEvalResult {
  matrix: ConfusionMatrix;
  falsePositiveRate: number;
  cleanCount: number;
  /** RSS power at a reference case: 32 KB/iteration, noise sd 0.5 MB (±1 MB), 50 iterations */
  target32KB: number;
  smallestLeak: SmallestLeak[];
  /** fewest iterations at which a leak of one socket per iteration is always caught */
  countLeakIterations: number | null;
}

function verdictOf(spec: SeriesSpec, kind: 'memory' | 'count', alpha?: number) {
  const y = generateSeries(spec);
  return analyzeTrend({ y, kind, per: 'iteration', unit: kind === 'memory' ? 'B' : 'sockets', series: 'boundaries' }, { alpha }).verdict;
}

const SLOPE_GRID = [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 64e3, 128e3, 256e3];
const NOISE_GRID = [0.01e6, 0.1e6, 0.25e6, 0.5e6, 1e6, 2e6];

export function runSyntheticEval(opts: SyntheticEvalOptions): SyntheticEvalResult {
  const matrix = new ConfusionMatrix();
  let cleanCount = 0;
  for (const c of syntheticCases(opts.perFamily, opts.firstSeed)) {
    matrix.add(c.family, c.leak ? 'leak' : 'clean', verdictOf(c.spec, c.kind, opts.alpha));
    if (!c.leak) cleanCount++;
  }
  const powerOf = (slope: number, noiseSd: number, runs: number, seed0: number) => {
    let hit = 0;
    for (let i = 0; i < runs; i++) {
      const spec: SeriesSpec = { n: 50, seed: seed0 + i, base: 80e6, slope, noiseSd, quantum: 4096 };
      if (verdictOf(spec, 'memory', opts.alpha) === 'leak') hit++;
    }
    return hit / runs;
  };
  const seed0 = (opts.firstSeed ?? 1) + 77_000_000;
  const target32KB = powerOf(32e3, 0.5e6, Math.min(10_000, Math.max(200, opts.perFamily * 2)), seed0);
  const runs = Math.min(500, Math.max(100, Math.floor(opts.perFamily / 2)));
  const smallestLeak = NOISE_GRID.map((noiseSd) => {
    const power = SLOPE_GRID.map((s) => powerOf(s, noiseSd, runs, seed0 + 1_000_000));
    const first = (p: number) => SLOPE_GRID.find((_, i) => power[i]! >= p) ?? null;
    return { noiseSd, caught99: first(0.99), caught50: first(0.5) };
  });
  let countLeakIterations: number | null = null;
  for (let n = 2; n <= 20 && countLeakIterations === null; n++) {
    const spec: SeriesSpec = { n, seed: 1, base: 12, slope: 1, noiseSd: 0, quantum: 1 };
    if (verdictOf(spec, 'count', opts.alpha) === 'leak') countLeakIterations = n;
  }
  return { matrix, falsePositiveRate: matrix.falsePositiveRate(), cleanCount, target32KB, smallestLeak, countLeakIterations };
}
