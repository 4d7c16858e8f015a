import { describe, expect, it } from 'vitest';
import type { Check, ScenarioLeak } from '../report/runReportSchema.ts';
import type { KnownLeaksPlan } from '../report/knownLeaksSchema.ts';
import { judgeKnownLeaks, knownLeaksUse } from './knownLeaks.ts';
import { scenarioVerdict } from './verdict.ts';

const sessions: ScenarioLeak = {
  signature: '3f9a2c81d0e4', resource: 'heap', label: 'requests.sessions.Session held by jobs._SESSIONS', checks: ['leak.types'],
  rates: [{ value: 1, unit: 'objects', per: 'iteration' }, { value: 20_000, unit: 'B', per: 'iteration' }],
};
const records: ScenarioLeak = { ...sessions, signature: '81bb02aa1234', label: 'jobs.JobRecord held by jobs.JobLog.entries', rates: [{ value: 1, unit: 'objects', per: 'iteration' }] };
const results: ScenarioLeak = { ...sessions, signature: 'c0ffee123456', label: 'jobs.JobResult held by jobs._RESULTS' };
const types = (leaks: ScenarioLeak[]): Check => ({ id: 'leak.types', resource: 'heap', kind: 'leak', observed: leaks.length, unit: 'types', pass: false, message: 'grew', leaks: leaks.map((l) => l.signature) });
const rss: Check = { id: 'leak.rss', resource: 'rss', kind: 'leak', observed: 0, unit: 'B', pass: true, message: 'bounded' };

const entry = (l: ScenarioLeak, more: Partial<KnownLeaksPlan['entries'][number]> = {}): KnownLeaksPlan['entries'][number] => ({
  signature: l.signature, resource: l.resource, leak: l.label, note: 'library fix pending', acceptedBy: 'Ann Lee <ann@example.com>', acceptedAt: '2026-01-02', ...more,
});
const ceiling = (value: number) => ({ maxRate: `${value}/iteration`, ceiling: { value, unit: 'count' as const, per: 'iteration' as const } });
const file = (...entries: KnownLeaksPlan['entries']): KnownLeaksPlan => ({ file: 'seep.known-leaks.json', entries });

describe('known leaks', () => {
  it('pass a check that failed only on accepted leaks within their ceilings, and list them', () => {
    const { leaks, checks } = judgeKnownLeaks([sessions, records], [types([sessions, records]), rss], file(entry(sessions, ceiling(1.5)), entry(records)), '2026-02-01');
    expect(leaks.map((l) => l.known?.status)).toEqual(['known', 'known']);
    expect(leaks[0]!.known!.message).toBe('known leak 3f9a2c (requests.sessions.Session held by jobs._SESSIONS): 1/iteration within its ceiling 1.5/iteration, accepted by Ann Lee <ann@example.com> on 2026-01-02: library fix pending');
    expect(checks[0]).toMatchObject({ pass: true, known: true });
    expect(scenarioVerdict(checks)).toBe('pass');
  });

  it('fail on a new leak beside known ones, naming only the new one', () => {
    const { leaks, checks } = judgeKnownLeaks([sessions, records, results], [types([sessions, records, results])], file(entry(sessions), entry(records)), '2026-02-01');
    expect(leaks.filter((l) => l.known?.status !== 'known').map((l) => l.known!.message)).toEqual(['new leak c0ffee (jobs.JobResult held by jobs._RESULTS): not in seep.known-leaks.json']);
    expect(checks[0]!.pass).toBe(false);
    expect(checks[0]!.known).toBeUndefined();
  });

  it('fail on a known leak grown past its ceiling, and on one whose acceptance expired', () => {
    const worse = { ...sessions, rates: [{ value: 2, unit: 'objects', per: 'iteration' as const }] };
    const over = judgeKnownLeaks([worse], [types([worse])], file(entry(sessions, ceiling(1.5))), '2026-02-01');
    expect(over.leaks[0]!.known).toMatchObject({ status: 'over-ceiling', message: expect.stringMatching(/got worse: 2\/iteration, above its ceiling 1\.5\/iteration/) });
    expect(over.checks[0]!.pass).toBe(false);
    const expired = judgeKnownLeaks([sessions], [types([sessions])], file(entry(sessions, { expires: '2026-01-31' })), '2026-02-01');
    expect(expired.leaks[0]!.known).toMatchObject({ status: 'expired', message: expect.stringMatching(/expired on 2026-01-31 .*accept it again with seep accept/) });
    expect(expired.checks[0]!.pass).toBe(false);
    // the last day is still accepted
    expect(judgeKnownLeaks([sessions], [types([sessions])], file(entry(sessions, { expires: '2026-02-01' })), '2026-02-01').checks[0]!.pass).toBe(true);
  });

  it('judge a ceiling in bytes by bytes, and say so when the run measured no rate in its terms', () => {
    const bytes = { maxRate: '16KB/iteration', ceiling: { value: 16_000, unit: 'B' as const, per: 'iteration' as const } };
    expect(judgeKnownLeaks([sessions], [types([sessions])], file(entry(sessions, bytes)), '2026-02-01').leaks[0]!.known!.status).toBe('over-ceiling');
    const hourly = { maxRate: '5MB/hour', ceiling: { value: 5e6, unit: 'B' as const, per: 'hour' as const } };
    const unchecked = judgeKnownLeaks([sessions], [types([sessions])], file(entry(sessions, hourly)), '2026-02-01').leaks[0]!.known!;
    expect(unchecked).toMatchObject({ status: 'known', message: expect.stringMatching(/ceiling 5MB\/hour was not checked/) });
  });

  it('leave leaks and checks as they were with no file, and name the entries no scenario showed', () => {
    const checks = [types([sessions])];
    expect(judgeKnownLeaks([sessions], checks, undefined, '2026-02-01')).toEqual({ leaks: [sessions], checks });
    expect(knownLeaksUse(file(entry(sessions), entry(records)), [{ leaks: [sessions] }, {}])).toEqual({
      file: 'seep.known-leaks.json', entries: 2, notSeen: [{ signature: records.signature, leak: records.label }],
    });
  });
});
