// Whether a sampled allocation site keeps its pace through a soak, judged on its samples. Pure.
//
// A Node site's bytes are V8's samples: about one per sampling interval allocated, each scaled by its
// odds, so a site that keeps 30 KB may stand on 20-35 samples. A soak lists a growing site that slows
// as a filling cache does (soakWindow.ts deceleration) and fails one that keeps its pace; on so few
// quantized points a Theil-Sen interval of each half's slope often misses a slowing that is there
// (6-8% of simulated windows of this cache, before typeTrends' other gates): fixtures/soak-window's
// render cache (1,000 ids asked at random, 40 a second: 0.23 of what a 60 s window gains falls in its
// second half) was failed once in 19 fresh clones, its second half's interval not clear of the first's
// rate. The samples themselves are the sufficient statistic: new samples arrive as a Poisson process,
// so given n of them over the window, the second half's share is binomial. The site keeps its pace
// when that share is surely above what growth at DECELERATING of the first half's pace would give.
import { binomialUpperTail } from './signTest.ts';
import { DECELERATING } from './soakWindow.ts';

/** a site keeps its pace when growth at DECELERATING of the first half's would gain its second half's samples less often than this */
const ALPHA = 0.01;

export interface SampledPace {
  /** the samples gained over the first and the second half of the reads */
  first: number;
  second: number;
  /** bytes per step over each half */
  firstPerStep: number;
  secondPerStep: number;
  /** P(the second half gains this many samples or more) were its pace DECELERATING of the first's */
  pValue: number;
  /** the second half surely kept at least DECELERATING of the first half's pace: growth a filling cache does not show */
  keepsPace: boolean;
  /** the second half's pace, as measured, under DECELERATING of the first's */
  slowing: boolean;
}

/**
 * A site's reads (x the step, y its sampled bytes) split at the read nearest the middle step, its
 * gains counted in samples of `bytesPerSample` (the report's sampleBytes). Null with under 4 reads
 * or when a half spans no step.
 */
export function sampledPace(x: number[], y: number[], bytesPerSample: number): SampledPace | null {
  if (x.length < 4 || !(bytesPerSample > 0)) return null;
  const end = x.length - 1;
  const mid = (x[0]! + x[end]!) / 2;
  let m = 0;
  for (let i = 1; i < end; i++) if (Math.abs(x[i]! - mid) < Math.abs(x[m]! - mid)) m = i;
  const [d1, d2] = [x[m]! - x[0]!, x[end]! - x[m]!];
  if (!(d1 > 0 && d2 > 0)) return null;
  const samples = (from: number, to: number) => Math.max(0, Math.round((y[to]! - y[from]!) / bytesPerSample));
  const [first, second] = [samples(0, m), samples(m, end)];
  // the second half's share of the samples were its pace DECELERATING of the first's
  const share = (DECELERATING * d2) / (d1 + DECELERATING * d2);
  const pValue = binomialUpperTail(second, first + second, share);
  return {
    first, second,
    firstPerStep: (y[m]! - y[0]!) / d1,
    secondPerStep: (y[end]! - y[m]!) / d2,
    pValue,
    keepsPace: pValue < ALPHA,
    slowing: second / d2 < (DECELERATING * first) / d1,
  };
}
