// Resource series with a known truth, for measuring the verdict's error rates on thousands of
// cases in seconds. Every series is reproducible from its spec (the seed included).
import { gaussian, seededRandom } from './seededRandom.ts';

export interface SeriesSpec {
  n: number;
  seed: number;
  /** level at the first sample */
  base: number;
  /** growth per sample: the leak (or, with plateauAt, a bounded fill) */
  slope: number;
  /** growth stops at this sample: a capped cache that fills then flattens */
  plateauAt?: number;
  /** standard deviation of the noise that remains after GC */
  noiseSd: number;
  /** AR(1) coefficient of that noise: 0 white, 0.7 slowly wandering */
  phi?: number;
  /** one-off level changes: lazy initialisation, an arena that is kept once grown */
  steps?: { at: number; size: number }[];
  /** garbage piling up between collections: rises `amplitude` over `period` samples, then drops */
  sawtooth?: { period: number; amplitude: number; phase?: number };
  /** share of samples hit by a late collection, each `outlierSize` above the rest */
  outlierRate?: number;
  outlierSize?: number;
  /** round to this quantum: 4096 for pages, 1 for counted resources */
  quantum?: number;
  /** counted resources: extra ±1 wobbles (a pooled connection opening and closing), per sample probability */
  wobble?: number;
}

/** True when the series grows without bound: a slope that never stops. */
export function isLeak(spec: SeriesSpec): boolean {
  return spec.slope > 0 && spec.plateauAt === undefined;
}

export function generateSeries(spec: SeriesSpec): number[] {
  const uniform = seededRandom(spec.seed);
  const z = gaussian(uniform);
  const phi = spec.phi ?? 0;
  // stationary start, and innovations scaled so the noise's marginal sd is noiseSd whatever phi
  const innovation = spec.noiseSd * Math.sqrt(1 - phi * phi);
  let e = spec.noiseSd * z();
  const out: number[] = [];
  for (let i = 0; i < spec.n; i++) {
    let v = spec.base + spec.slope * Math.min(i, spec.plateauAt ?? Infinity) + e;
    for (const s of spec.steps ?? []) if (i >= s.at) v += s.size;
    if (spec.sawtooth) {
      const { period, amplitude, phase = 0 } = spec.sawtooth;
      v += (amplitude * ((i + phase) % period)) / period;
    }
    if (spec.outlierRate && uniform() < spec.outlierRate) v += spec.outlierSize ?? 0;
    if (spec.wobble && uniform() < spec.wobble) v += uniform() < 0.5 ? -1 : 1;
    if (spec.quantum) v = Math.round(v / spec.quantum) * spec.quantum;
    out.push(v);
    e = phi * e + innovation * z();
  }
  return out;
}
