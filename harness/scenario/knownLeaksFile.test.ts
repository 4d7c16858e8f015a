import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatRateCeiling, knownLeaksText, KnownLeaksFileError, parseKnownLeaks, parseRateCeiling } from './knownLeaksFile.ts';

const MALFORMED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/known-leaks/malformed');

/** Each malformed file, and the words its error must say: the entry, its signature where it has one, the field, what was expected. */
const EXPECTED: Record<string, RegExp> = {
  'bad-expires.json': /^bad-expires\.json: leaks\[1\] \(81bb02aa1234\): expires: expected a date YYYY-MM-DD$/,
  'bad-rate.json': /^bad-rate\.json: leaks\[0\] \(3f9a2c81d0e4\): maxRate: expected a rate such as '1\.5\/iteration'.*got 'fast'$/,
  'short-signature.json': /^short-signature\.json: leaks\[0\] \(3f9a2c\): signature: expected the 12 hex digits seep accept wrote$/,
  'unknown-field.json': /^unknown-field\.json: leaks\[0\] \(3f9a2c81d0e4\): .*expiry/,
  'twice.json': /^twice\.json: leaks\[1\] \(3f9a2c81d0e4\): the same signature as leaks\[0\]/,
  'wrong-version.json': /^wrong-version\.json: version: expected 1$/,
  'not-json.json': /^not-json\.json: not JSON: /,
};

describe('the known-leaks file', () => {
  it('refuses each malformed file naming the entry, the field and what was expected', () => {
    const files = readdirSync(MALFORMED).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
    for (const f of files) {
      let error: unknown;
      try {
        parseKnownLeaks(readFileSync(path.join(MALFORMED, f), 'utf8'), f);
      } catch (err) {
        error = err;
      }
      expect(error, f).toBeInstanceOf(KnownLeaksFileError);
      expect((error as Error).message, f).toMatch(EXPECTED[f]!);
    }
  });

  it('reads what seep accept writes, ceilings parsed once', () => {
    const text = knownLeaksText([
      { signature: '3f9a2c81d0e4', resource: 'heap', leak: 'requests.sessions.Session held by jobs._SESSIONS', scenario: 'jobs', note: 'vendor fix in 2.32', acceptedBy: 'Ann Lee <ann@example.com>', acceptedAt: '2026-01-02', expires: '2026-03-31', maxRate: '1.5/iteration' },
      { signature: '81bb02aa1234', resource: 'fds', leak: 'leak.fds of scenarios/x.scenario.mjs', note: '', acceptedBy: 'Bo', acceptedAt: '2026-01-02' },
    ]);
    expect(text.indexOf('"version": 1')).toBeLessThan(text.indexOf('"leaks"'));
    const plan = parseKnownLeaks(text, 'seep.known-leaks.json');
    expect(plan.file).toBe('seep.known-leaks.json');
    expect(plan.entries[0]!.ceiling).toEqual({ value: 1.5, unit: 'count', per: 'iteration' });
    expect(plan.entries[1]!.ceiling).toBeUndefined();
    expect(knownLeaksText(plan.entries.map(({ ceiling: _, ...e }) => e))).toBe(text);
  });

  it('takes rates as counts or sizes, per step or per hour, and writes ceilings that hold the rate they came from', () => {
    expect(parseRateCeiling('2/iteration')).toEqual({ value: 2, unit: 'count', per: 'iteration' });
    expect(parseRateCeiling('64KB/iteration')).toEqual({ value: 64_000, unit: 'B', per: 'iteration' });
    expect(parseRateCeiling('5 MiB / hour')).toEqual({ value: 5 * 1024 ** 2, unit: 'B', per: 'hour' });
    expect(() => parseRateCeiling('64KB')).toThrow(/expected a rate/);
    expect(() => parseRateCeiling('64XB/iteration')).toThrow(/expected a rate/);
    for (const [value, unit] of [[1.5, 'count'], [1.04, 'count'], [33_333, 'B'], [1_234_567, 'B']] as const) {
      const written = formatRateCeiling(value, unit, 'iteration');
      expect(parseRateCeiling(written).value, written).toBeGreaterThanOrEqual(value);
      expect(parseRateCeiling(written).value, written).toBeLessThan(value * 1.1);
    }
  });

  it('reads the example file of docs/known-leaks.md (the README links to it)', () => {
    for (const doc of ['docs/known-leaks.md']) {
      const text = readFileSync(path.join(MALFORMED, '../../..', doc), 'utf8');
      const example = /```json\n(\{[^`]*?"leaks"[^`]*?)```/.exec(text)?.[1];
      expect(example, doc).toBeDefined();
      expect(parseKnownLeaks(example!, doc).entries[0]!.ceiling, doc).toEqual({ value: 1.5, unit: 'count', per: 'iteration' });
    }
  });
});
