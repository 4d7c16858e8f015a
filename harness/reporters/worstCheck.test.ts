// The one-line summary of a scenario names the check that says most about it: a failure by how far
// past its limit, a pass by the check nearest its limit, in words that say what was measured.
import { describe, expect, it } from 'vitest';
import type { Check, ScenarioReport } from '../report/runReportSchema.ts';
import { describeCheck, worstCheck } from './scenarioHeadlines.ts';
import { formatValue } from './formatValue.ts';

const check = (over: Partial<Check> & Pick<Check, 'id'>): Check => ({ resource: 'rss', kind: 'leak', observed: 0, unit: 'B', pass: true, message: '', ...over });
const scenario = (checks: Check[]) => ({ checks }) as ScenarioReport;

describe('a pass summarised by the check nearest its limit', () => {
  const fdsBack = check({ id: 'leak.fds', resource: 'fds', observed: 22, limitValue: 22, baselineValue: 22, limitLine: 22, unit: 'fds' });
  const seepRss = check({ id: 'budget.seepRss', resource: 'seep', kind: 'budget', limit: '300MB', limitValue: 300e6, observed: 126.6e6 });
  const growth = check({ id: 'budget.rssGrowth', kind: 'budget', limit: '50MB', limitValue: 50e6, baselineValue: 80e6, limitLine: 130e6, observed: 4.2e6 });

  it('a count back at its baseline used none of its allowance, whatever its limit reads', () => {
    expect(worstCheck(scenario([fdsBack, seepRss, growth]))!.id).toBe('budget.seepRss');
    expect(worstCheck(scenario([fdsBack, growth]))!.id).toBe('budget.rssGrowth');
  });

  it('a floor is near when the rate falls towards it', () => {
    const rate = check({ id: 'load.achievedRate', resource: 'load', kind: 'budget', limit: '90% of the asked rate', limitValue: 27, observed: 28, unit: 'req/s', atLeast: true });
    expect(worstCheck(scenario([seepRss, rate]))!.id).toBe('load.achievedRate');
    expect(describeCheck(rate)).toBe('load.achievedRate: 28 req/s (at least 90% of the asked rate)');
  });

  it('an undecided trend before a clean one, said by its slope and verdict', () => {
    const trend = { verdict: 'inconclusive' as const, reason: 'too noisy', slope: 1200, low: -500, high: 2900, intercept: 0, interceptX: 0, endX: 1, confidence: 0.95, unit: 'B', per: 'iteration' as const, plateauAt: null, samplesUsed: { series: 'boundaries' as const, from: 0, to: 1, count: 2 } };
    const rss = check({ id: 'leak.rss', observed: 1200, trend });
    expect(worstCheck(scenario([fdsBack, rss]))!.id).toBe('leak.rss');
    expect(describeCheck(rss)).toBe('leak.rss: +1.2 KB/iteration (inconclusive)');
  });

  it('a failure still by how far past its limit', () => {
    const fds = check({ id: 'leak.fds', resource: 'fds', observed: 57, limitValue: 7, baselineValue: 7, limitLine: 7, unit: 'fds', pass: false });
    const warnings = check({ id: 'leak.warnings', resource: 'output', observed: 1, limitValue: 0, unit: 'warnings', pass: false });
    expect(worstCheck(scenario([seepRss, warnings, fds]))!.id).toBe('leak.fds');
  });
});

describe('units of one', () => {
  it('are singular', () => {
    expect([formatValue(1, 'lines'), formatValue(2, 'lines'), formatValue(1, 'processes'), formatValue(1, 'fds'), formatValue(1, 'blocks/iteration')]).toEqual(['1 line', '2 lines', '1 process', '1 fd', '1 block/iteration']);
  });
});
