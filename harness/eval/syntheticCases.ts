// The labelled synthetic families: clean traps that a naive trend test calls leaks, and leaks
// that a naive plateau or noise rule would miss. Parameters vary per case, drawn from the seed.
import { seededRandom } from './seededRandom.ts';
import { isLeak, type SeriesSpec } from './syntheticSeries.ts';

export interface SyntheticCase {
  family: string;
  kind: 'memory' | 'count';
  spec: SeriesSpec;
  leak: boolean;
}

const KB = 1e3;
const MB = 1e6;

interface Family {
  name: string;
  kind: 'memory' | 'count';
  /** spec from a uniform source (for the varying parameters) and the case's seed */
  make: (u: () => number, seed: number) => SeriesSpec;
}

const between = (u: () => number, lo: number, hi: number) => lo + (hi - lo) * u();
const pick = <T>(u: () => number, xs: readonly T[]): T => xs[Math.floor(u() * xs.length)]!;
const memory = (seed: number, rest: Partial<SeriesSpec>): SeriesSpec => ({ n: 50, seed, base: 80 * MB, slope: 0, noiseSd: 0.25 * MB, quantum: 4096, ...rest });
const counted = (seed: number, rest: Partial<SeriesSpec>): SeriesSpec => ({ n: 50, seed, base: 12, slope: 0, noiseSd: 0, quantum: 1, ...rest });

export const FAMILIES: Family[] = [
  // clean
  { name: 'flat, white noise', kind: 'memory', make: (u, seed) => memory(seed, { noiseSd: pick(u, [0.05, 0.25, 0.5, 1, 2]) * MB }) },
  { name: 'flat, AR(1) noise', kind: 'memory', make: (u, seed) => memory(seed, { noiseSd: 0.5 * MB, phi: pick(u, [0.3, 0.5, 0.7]) }) },
  {
    name: 'capped cache fills, then plateau', kind: 'memory',
    make: (u, seed) => {
      const plateauAt = Math.floor(between(u, 3, 21));
      return memory(seed, { slope: between(u, 2, 20) * MB / plateauAt, plateauAt, noiseSd: between(u, 0.1, 0.5) * MB });
    },
  },
  { name: 'lazy initialisation step', kind: 'memory', make: (u, seed) => memory(seed, { steps: [{ at: Math.floor(between(u, 1, 5)), size: between(u, 2, 20) * MB }], noiseSd: between(u, 0.1, 0.5) * MB }) },
  {
    name: 'arena kept after growth (steps)', kind: 'memory',
    make: (u, seed) => memory(seed, {
      steps: Array.from({ length: 1 + Math.floor(u() * 3) }, () => ({ at: Math.floor(between(u, 0, 20)), size: between(u, 0.5, 4) * MB })),
      noiseSd: 0.1 * MB,
    }),
  },
  { name: '16 MB GC sawtooth', kind: 'memory', make: (u, seed) => memory(seed, { sawtooth: { period: Math.floor(between(u, 3, 10)), amplitude: 16 * MB, phase: Math.floor(u() * 10) } }) },
  { name: 'late GC outliers', kind: 'memory', make: (u, seed) => memory(seed, { outlierRate: 0.04, outlierSize: 8 * MB }) },
  { name: 'count: flat with pool wobble', kind: 'count', make: (u, seed) => counted(seed, { wobble: between(u, 0, 0.3) }) },
  { name: 'count: pool grows to a cap', kind: 'count', make: (u, seed) => counted(seed, { slope: 1, plateauAt: Math.floor(between(u, 2, 9)), wobble: 0.1 }) },
  // leaks
  { name: 'leak 32 KB/it, noise sd 0.5 MB', kind: 'memory', make: (_u, seed) => memory(seed, { slope: 32 * KB, noiseSd: 0.5 * MB }) },
  { name: 'leak 64 KB/it, AR(1) 0.5 noise', kind: 'memory', make: (_u, seed) => memory(seed, { slope: 64 * KB, noiseSd: 0.5 * MB, phi: 0.5 }) },
  { name: 'leak 16 KB/it in 256 KiB arena steps', kind: 'memory', make: (_u, seed) => memory(seed, { slope: 16 * KB, noiseSd: 0.05 * MB, quantum: 262_144 }) },
  { name: 'leak 64 KB/it on a 2 MB sawtooth', kind: 'memory', make: (u, seed) => memory(seed, { slope: 64 * KB, sawtooth: { period: Math.floor(between(u, 3, 10)), amplitude: 2 * MB } }) },
  { name: 'leak 64 KB/it after lazy init', kind: 'memory', make: (u, seed) => memory(seed, { slope: 64 * KB, steps: [{ at: 2, size: between(u, 5, 20) * MB }] }) },
  { name: 'leak 64 KB/it with late GC outliers', kind: 'memory', make: (_u, seed) => memory(seed, { slope: 64 * KB, outlierRate: 0.04, outlierSize: 8 * MB }) },
  { name: 'count: 1 per iteration, 10 iterations', kind: 'count', make: (_u, seed) => counted(seed, { n: 10, slope: 1 }) },
  { name: 'count: 1 per 2–5 iterations', kind: 'count', make: (u, seed) => counted(seed, { slope: 1 / Math.floor(between(u, 2, 6)), wobble: 0.1 }) },
];

/** `perFamily` cases of every family, seeds counting up from `firstSeed`. */
export function syntheticCases(perFamily: number, firstSeed = 1): SyntheticCase[] {
  const out: SyntheticCase[] = [];
  FAMILIES.forEach((f, fi) => {
    for (let i = 0; i < perFamily; i++) {
      const seed = firstSeed + fi * 1_000_003 + i;
      const spec = f.make(seededRandom(seed ^ 0x5bd1e995), seed);
      out.push({ family: f.name, kind: f.kind, spec, leak: isLeak(spec) });
    }
  });
  return out;
}
