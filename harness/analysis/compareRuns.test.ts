// Two runs compared from numbers: the difference rule on stated intervals, and whole comparisons of
// synthetic reports whose leak doubled, went away, or whose scenarios differ.
import { describe, expect, it } from 'vitest';
import type { Report, ScenarioReport } from '../report/runReportSchema.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { compareRuns } from './compareRuns.ts';
import { regressionBaseline, regressionChecks } from './regressionChecks.ts';
import { runFigures } from './runFigures.ts';
import { countDifference, slopeDifference, toleranceFor } from './slopeDifference.ts';

const LEAKY = 'session map leaks <b>';
const BOUNDED = 'cache stays bounded';

function twoScenarios(): Report {
  return syntheticReport({ verdicts: ['pass', 'fail'] });
}

/** The leaky scenario's RSS trend scaled: its check's slope and interval times `factor`. */
function withRssSlopeTimes(report: Report, factor: number): Report {
  const copy = structuredClone(report);
  copy.runId = `${report.runId}-x${factor}`;
  const trend = copy.scenarios.find((s) => s.name === LEAKY)!.checks.find((c) => c.id === 'budget.rssGrowth')!.trend!;
  trend.slope *= factor;
  trend.low *= factor;
  trend.high *= factor;
  return copy;
}

const stored = (report: Report, path: string) => ({ report, path });

describe('the difference of two slopes (MOVER: each side of its interval from the sides of the two intervals that bound it)', () => {
  it('calls a doubled rate worse when the interval of the difference lies above the tolerance', () => {
    const d = slopeDifference({ value: 8192, low: 8000, high: 8384 }, { value: 16384, low: 16100, high: 16668 }, 0.95, 4096);
    // half-widths 192 and 284 are 1.96 SE each: the difference's half-width is √(192² + 284²) = 342.8
    expect(d.value).toBe(8192);
    expect(d.low).toBeCloseTo(8192 - 342.8, 0);
    expect(d.high).toBeCloseTo(8192 + 342.8, 0);
    expect(d.significant).toBe(true);
    expect(d.verdict).toBe('worse');
  });

  it('calls the reverse better, and a difference inside the tolerance the same even when significant', () => {
    expect(slopeDifference({ value: 16384, low: 16100, high: 16668 }, { value: 8192, low: 8000, high: 8384 }, 0.95, 4096).verdict).toBe('better');
    const small = slopeDifference({ value: 8192, low: 8150, high: 8234 }, { value: 9000, low: 8950, high: 9050 }, 0.95, 4096);
    expect(small.significant).toBe(true);
    expect(small.verdict).toBe('same');
  });

  it('does not call a rise worse when the intervals are too wide to tell', () => {
    const d = slopeDifference({ value: 1000, low: -20_000, high: 22_000 }, { value: 9000, low: -15_000, high: 30_000 }, 0.95, 4096);
    expect(d.significant).toBe(false);
    expect(d.verdict).toBe('same');
  });

  // A clean commit's run beside a CPU hog (the bisect e2e at load ~14): RSS read in whole pages gave a
  // Theil–Sen slope of 16 KB a step with an interval of 0 to 23.8 KB, judged inconclusive by its own
  // run; the good run's slope was an exact 0. A mean half-width (11.9 KB) put the difference at
  // 4.5 to 28.3 KB, above the 4 KiB floor: worse, and the bisect named a clean commit.
  it('takes the low side of a lopsided interval for the low end of the difference: a run whose own interval holds the good slope is not worse', () => {
    const d = slopeDifference({ value: 0, low: 0, high: 0 }, { value: 16384, low: 0, high: 23831 }, 0.95, 4096);
    expect(d.low).toBe(0);
    expect(d.high).toBe(23831);
    expect(d.significant).toBe(false);
    expect(d.verdict).toBe('same');
  });

  // The same bisect beside a CPU hog, later: a clean commit's RSS gave +23.8 KB a step with an
  // interval of 17.5 to 30.8 KB, wholly above the floor, yet inconclusive by its own trend test
  // (which corrects for autocorrelation, as Theil–Sen's interval does not); the bisect named it.
  it("never calls a slope worse when the after run's own trend test found no rise", () => {
    const good = { value: 0, low: 0, high: 0 };
    const after = { value: 24371, low: 17920, high: 31539 };
    expect(slopeDifference(good, after, 0.95, 4096, false)).toMatchObject({ significant: true, verdict: 'same' });
    expect(slopeDifference(good, after, 0.95, 4096, true).verdict).toBe('worse');
  });

  it('against an exact before the difference is the after interval shifted, whichever side is long', () => {
    const before = { value: 4096, low: 4096, high: 4096 };
    for (const after of [{ value: 16384, low: 0, high: 23831 }, { value: 20000, low: 19000, high: 60000 }, { value: -500, low: -9000, high: 100 }]) {
      const d = slopeDifference(before, after, 0.95, 4096);
      expect([d.low, d.value, d.high]).toEqual([after.low - 4096, after.value - 4096, after.high - 4096]);
    }
    // the long side up: the short low side says after is above 4096 + 4096 with confidence, so worse
    // (a mean half-width of 20.5 KB would have reached below the tolerance and called it the same)
    expect(slopeDifference(before, { value: 20000, low: 19000, high: 60000 }, 0.95, 4096).verdict).toBe('worse');
  });

  it('bounds each end of the difference by the sides that face it', () => {
    // after − before = 10000; low end: after's low side 6000 and before's high side 8000 give √(6000² + 8000²) = 10000
    const d = slopeDifference({ value: 5000, low: 4000, high: 13_000 }, { value: 15_000, low: 9000, high: 16_000 }, 0.95, 1000);
    expect(d.low).toBeCloseTo(0, 6);
    // high end: after's high side 1000 and before's low side 1000
    expect(d.high).toBeCloseTo(10_000 + Math.hypot(1000, 1000), 6);
    expect(d.verdict).toBe('same');
  });

  it('takes the tolerance as a share of the before slope with a floor, and counts exactly', () => {
    expect(toleranceFor({ value: 1e6, low: 0, high: 0 }, 0.1, 4096)).toBe(1e5);
    expect(toleranceFor({ value: 0, low: 0, high: 0 }, 0.1, 4096)).toBe(4096);
    expect(countDifference(0, 2, 0.5)).toMatchObject({ value: 2, verdict: 'worse', significant: true });
    expect(countDifference(3, 3, 0.5).verdict).toBe('same');
  });
});

describe('figures read from a run', () => {
  it("takes a check's trend where the run judged one, and computes the same trend from the series where none did", () => {
    const s = twoScenarios().scenarios.find((x) => x.name === BOUNDED)!;
    const figures = runFigures(s);
    const rss = figures.find((f) => f.key === 'rss')!;
    expect(rss).toMatchObject({ source: 'check', value: 1200, low: -300, high: 2500, per: 'iteration', unit: 'B' });
    const heap = figures.find((f) => f.key === 'heap')!;
    expect(heap.source).toBe('series');
    expect(heap.per).toBe('iteration');
    // the budget.sockets check is back-to-baseline: its leftover is observed minus baseline
    expect(figures.find((f) => f.key === 'socketsLeftOver')).toMatchObject({ value: 0, kind: 'leftOver' });
  });
});

describe('compareRuns', () => {
  it('finds nothing worse between a run and itself: exit 0', () => {
    const r = twoScenarios();
    const c = compareRuns(stored(r, 'a'), stored(r, 'b'), { tolerance: 0.1 });
    expect(c.incomparable).toEqual([]);
    expect(c.exitCode).toBe(0);
    for (const s of c.scenarios) {
      expect(s.worse).toEqual([]);
      for (const f of s.figures) expect(f.difference?.value ?? 0).toBe(0);
    }
  });

  it('exits 1 when the leak rate doubled after, and 0 with the leak rate halved, naming the figure', () => {
    const before = twoScenarios();
    const worse = compareRuns(stored(before, 'main'), stored(withRssSlopeTimes(before, 2), 'pr'), { tolerance: 0.1 });
    expect(worse.exitCode).toBe(1);
    const leaky = worse.scenarios.find((s) => s.name === LEAKY)!;
    expect(leaky.worse).toEqual(['rss']);
    expect(leaky.figures.find((f) => f.key === 'rss')!.difference).toMatchObject({ verdict: 'worse', significant: true });
    expect(worse.scenarios.find((s) => s.name === BOUNDED)!.worse).toEqual([]);

    const better = compareRuns(stored(before, 'main'), stored(withRssSlopeTimes(before, 0.5), 'pr'), { tolerance: 0.1 });
    expect(better.exitCode).toBe(0);
    expect(better.scenarios.find((s) => s.name === LEAKY)!.better).toEqual(['rss']);
  });

  it('lets a doubled rate through when the tolerance allows it', () => {
    const before = twoScenarios();
    expect(compareRuns(stored(before, 'main'), stored(withRssSlopeTimes(before, 2), 'pr'), { tolerance: 1.5 }).exitCode).toBe(0);
  });

  it('exits 1 when a check that passed before fails after', () => {
    const before = twoScenarios();
    const after = structuredClone(before);
    after.scenarios.find((s) => s.name === BOUNDED)!.checks.find((c) => c.id === 'budget.sockets')!.pass = false;
    const c = compareRuns(stored(before, 'main'), stored(after, 'pr'), { tolerance: 0.1 });
    expect(c.exitCode).toBe(1);
    expect(c.scenarios.find((s) => s.name === BOUNDED)!.worse).toContain('budget.sockets fails');
  });

  it('exits 2 naming the scenarios only one run has, and a scenario that errored', () => {
    const both = twoScenarios();
    const one = syntheticReport({ verdicts: ['pass'] });
    const c = compareRuns(stored(both, 'runs/a'), stored(one, 'runs/b'), { tolerance: 0.1 });
    expect(c.exitCode).toBe(2);
    expect(c.incomparable).toEqual([`only in before (runs/a): '${LEAKY}'`]);

    const withError = syntheticReport();
    const errored = compareRuns(stored(withError, 'a'), stored(withError, 'b'), { tolerance: 0.1 });
    expect(errored.exitCode).toBe(2);
    expect(errored.incomparable.join('\n')).toMatch(/'worker never ready' errored in before: service did not become ready/);
  });

  it('exits 2 when one run judged RSS per iteration and the other per hour', () => {
    const before = twoScenarios();
    const after = structuredClone(before);
    const s: ScenarioReport = after.scenarios.find((x) => x.name === LEAKY)!;
    s.checks.find((c) => c.id === 'budget.rssGrowth')!.trend!.per = 'hour';
    const c = compareRuns(stored(before, 'a'), stored(after, 'b'), { tolerance: 0.1 });
    expect(c.exitCode).toBe(2);
    expect(c.incomparable.join('\n')).toMatch(/rss: per iteration before, per hour after/);
  });
});

describe('regression checks against a stored run', () => {
  const base = twoScenarios();
  const baseline = stored(base, 'artifacts/main');

  it('fail a figure significantly worse than the baseline, naming the baseline run and its path', () => {
    const current = withRssSlopeTimes(base, 2).scenarios.find((s) => s.name === LEAKY)!;
    const checks = regressionChecks(runFigures(current), regressionBaseline(baseline, LEAKY, 0.1));
    const rss = checks.find((c) => c.id === 'regression.rss')!;
    expect(rss.pass).toBe(false);
    expect(rss.baselineRun).toEqual({ path: 'artifacts/main', runId: base.runId });
    expect(rss.message).toContain(`baseline run ${base.runId} (artifacts/main)`);
    expect(rss.message).toMatch(/significant\), worse beyond the tolerance/);
    expect(checks.filter((c) => !c.pass).map((c) => c.id)).toEqual(['regression.rss']);
  });

  it('pass the same run, and say so when the baseline has no such scenario', () => {
    const same = regressionChecks(runFigures(base.scenarios[0]!), regressionBaseline(baseline, base.scenarios[0]!.name, 0.1));
    expect(same.length).toBeGreaterThan(0);
    expect(same.every((c) => c.pass)).toBe(true);
    const none = regressionChecks(runFigures(base.scenarios[0]!), regressionBaseline(baseline, 'a scenario main never ran', 0.1));
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ id: 'regression', pass: true, measured: false });
    expect(none[0]!.message).toMatch(/^not measured: baseline run .* has no judged run of this scenario/);
  });

  it('pass, not measured, a figure the baseline measured per hour and this run per iteration', () => {
    const soak = structuredClone(base);
    soak.scenarios.find((s) => s.name === LEAKY)!.checks.find((c) => c.id === 'budget.rssGrowth')!.trend!.per = 'hour';
    const current = base.scenarios.find((s) => s.name === LEAKY)!;
    const rss = regressionChecks(runFigures(current), regressionBaseline(stored(soak, 'soak'), LEAKY, 0.1)).find((c) => c.id === 'regression.rss')!;
    expect(rss).toMatchObject({ pass: true, measured: false });
    expect(rss.message).toMatch(/not per the same unit here and in baseline run/);
  });
});
