import { describe, expect, it } from 'vitest';
import type { ScenarioLeak } from '../report/runReportSchema.ts';
import type { KnownLeakEntry } from '../report/knownLeaksSchema.ts';
import { acceptLeaks } from './acceptEntries.ts';

const sessions: ScenarioLeak = {
  signature: '3f9a2c81d0e4', resource: 'heap', label: 'requests.sessions.Session held by jobs._SESSIONS', checks: ['leak.types'],
  rates: [{ value: 1, unit: 'objects', per: 'iteration' }, { value: 20_000, unit: 'B', per: 'iteration' }],
};
const records: ScenarioLeak = { ...sessions, signature: '81bb02aa1234', label: 'jobs.JobRecord held by jobs.JobLog.entries', rates: [{ value: 1, unit: 'objects', per: 'iteration' }] };
const entry = (l: ScenarioLeak, more: Partial<KnownLeakEntry> = {}): KnownLeakEntry => ({
  signature: l.signature, resource: l.resource, leak: l.label, note: 'library fix pending', acceptedBy: 'Ann Lee <ann@example.com>', acceptedAt: '2026-01-02', ...more,
});

describe('seep accept', () => {
  const opts = { by: 'Ann Lee <ann@example.com>', on: '2026-02-01', note: '', headroom: 0.5 };

  it('adds the new leaks with a ceiling above their rate, and keeps the reviewed entries of the known ones', () => {
    const reviewed = entry(records);
    const known = { ...records, known: { status: 'known' as const, message: '' } };
    const fresh = { ...sessions, known: { status: 'new' as const, message: '' } };
    const r = acceptLeaks([reviewed], [{ leak: known, scenario: 'jobs' }, { leak: fresh, scenario: 'jobs' }], opts);
    expect(r.renewed).toEqual([]);
    expect(r.entries).toEqual([reviewed, { signature: sessions.signature, resource: 'heap', leak: sessions.label, scenario: 'jobs', note: '', acceptedBy: opts.by, acceptedAt: '2026-02-01', maxRate: '1.5/iteration' }]);
  });

  it('writes again an entry the run found worse or expired, keeping its note, and one leak once though two scenarios showed it', () => {
    const worse = { ...sessions, rates: [{ value: 2, unit: 'objects', per: 'iteration' as const }], known: { status: 'over-ceiling' as const, message: '' } };
    const r = acceptLeaks([entry(sessions, { maxRate: '1.5/iteration' })], [{ leak: worse, scenario: 'a' }, { leak: worse, scenario: 'b' }], { ...opts, expires: '2026-06-30' });
    expect(r.entries).toHaveLength(1);
    expect(r.renewed).toHaveLength(1);
    expect(r.entries[0]).toMatchObject({ maxRate: '3/iteration', note: 'library fix pending', acceptedAt: '2026-02-01', expires: '2026-06-30' });
  });
});
