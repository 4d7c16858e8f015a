// A leak whose size varies from one iteration to the next (a child process of 1.6 to 1.8 MB, a
// batch of varying length) is a random walk with drift: detrended, its residuals wander, so the
// autocorrelation correction of Mann–Kendall (Hamed–Rao) inflates the variance 4–13x and a plain
// ramp comes out "inconclusive". Its steps, though, are nearly all upwards. The sign test on the
// first differences asks exactly that: under no trend, a step is as likely down as up.
// (Conover, Practical Nonparametric Statistics, 3rd ed., §3.4.)

/** P(X >= k) for X ~ Binomial(m, p) (p = 1/2 unless given), summed in log space. */
export function binomialUpperTail(k: number, m: number, p = 0.5): number {
  if (k <= 0) return 1;
  if (k > m) return 0;
  const [lp, lq] = [Math.log(p), Math.log1p(-p)];
  let logC = 0; // log C(m, 0)
  // log of the sum of the terms from k on, kept as a running log-sum-exp
  let sum = -Infinity;
  for (let i = 1; i <= m; i++) {
    logC += Math.log(m - i + 1) - Math.log(i);
    if (i < k) continue;
    const t = logC + i * lp + (m - i) * lq;
    sum = Math.max(sum, t) + Math.log1p(Math.exp(-Math.abs(sum - t)));
  }
  return Math.min(1, Math.exp(sum));
}

export interface StepTest {
  up: number;
  steps: number;
  pValue: number;
  /** median step per unit of x */
  medianStep: number;
  /** what the rises keep: net change over the sum of the rises (a GC sawtooth rises at most steps and keeps ~0) */
  kept: number;
}

/** Sign test on the steps of y (ties dropped), with the median step per unit of x. */
export function signTestOfSteps(x: number[], y: number[]): StepTest {
  const steps: number[] = [];
  for (let i = 1; i < y.length; i++) {
    const dx = x[i]! - x[i - 1]!;
    const dy = y[i]! - y[i - 1]!;
    if (dx > 0 && dy !== 0) steps.push(dy / dx);
  }
  const up = steps.filter((d) => d > 0).length;
  let rises = 0;
  for (let i = 1; i < y.length; i++) rises += Math.max(0, y[i]! - y[i - 1]!);
  const kept = rises > 0 ? (y[y.length - 1]! - y[0]!) / rises : 0;
  const sorted = [...steps].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianStep = sorted.length === 0 ? 0 : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { up, steps: steps.length, pValue: binomialUpperTail(up, steps.length), medianStep, kept };
}
