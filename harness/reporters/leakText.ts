// A run's leaks in words, one way for every output: each leak by its short signature and what it is
// ('leak 3f9a2c: requests.sessions.Session held by jobs._SESSIONS'), what the known-leaks file said
// of it, and the count of known leaks listed apart. Read from the report only.
import { shortSignature, type Report, type ScenarioLeak, type ScenarioReport } from '../report/runReportSchema.ts';
import { formatValue } from './formatValue.ts';

/** The rate a leak is told by: objects (or the check's count) a step first, then bytes. */
export function leakRate(l: ScenarioLeak): string | null {
  const r = l.rates.find((x) => x.unit !== 'B') ?? l.rates[0];
  if (!r) return null;
  return formatValue(r.value, `${r.unit === 'objects' ? '' : r.unit}/${r.per}`);
}

/** 'leak 3f9a2c: requests.sessions.Session held by jobs._SESSIONS (1/iteration)' */
export function leakLine(l: ScenarioLeak): string {
  const rate = leakRate(l);
  return `leak ${shortSignature(l.signature)}: ${l.label}${rate ? ` (${rate})` : ''}`;
}

/** As the known-leaks file judged it, or the leak alone when the run read no file. */
export function leakVerdictLine(l: ScenarioLeak): string {
  return l.known ? l.known.message : leakLine(l);
}

/** The leaks that fail the run: new ones, known ones worse than their ceiling or expired, all of them with no file. */
export function failingLeaks(s: Pick<ScenarioReport, 'leaks'>): ScenarioLeak[] {
  return (s.leaks ?? []).filter((l) => l.known?.status !== 'known');
}

export function knownLeaks(s: Pick<ScenarioReport, 'leaks'>): ScenarioLeak[] {
  return (s.leaks ?? []).filter((l) => l.known?.status === 'known');
}

/** 'known leaks: 2, within their rates' */
export function knownLeaksCount(s: Pick<ScenarioReport, 'leaks'>): string | null {
  const n = knownLeaks(s).length;
  return n === 0 ? null : `known leaks: ${n}, within ${n === 1 ? 'its rate' : 'their rates'}`;
}

/** The file the run read, and the entries none of its scenarios showed (fixed, or not run here). */
export function knownLeaksFileLine(r: Pick<Report, 'knownLeaks'>): string | null {
  const k = r.knownLeaks;
  if (!k) return null;
  const unseen = k.notSeen.length === 0 ? '' : `; not seen in this run: ${k.notSeen.map((n) => `${shortSignature(n.signature)} (${n.leak})`).join(', ')}`;
  return `known leaks from ${k.file}: ${k.entries} entr${k.entries === 1 ? 'y' : 'ies'}${unseen}`;
}
