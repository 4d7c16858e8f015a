// The known-leaks decision: each leak of a scenario (scenarioLeaks.ts) against the reviewed file's
// entries. Accepted and within its ceiling: known, and a check that failed only on known leaks
// passes, listed apart. Worse than its ceiling, past its expiry, or not in the file (new): the check
// fails as it would with no file. Pure: the leaks, the checks, the parsed file and the run's date in.
import { shortSignature, type Check, type KnownLeakVerdict, type KnownLeaksUse, type LeakRate, type ScenarioLeak, type ScenarioReport } from '../report/runReportSchema.ts';
import type { KnownLeaksPlan, RateCeiling } from '../report/knownLeaksSchema.ts';
import { formatBytes } from '../scenario/units.ts';

type Entry = KnownLeaksPlan['entries'][number];

/** The leak's rate in the ceiling's terms: bytes for a size, any count for a count, per the same span. */
function rateFor(rates: LeakRate[], c: RateCeiling): LeakRate | undefined {
  return rates.find((r) => r.per === c.per && (r.unit === 'B') === (c.unit === 'B'));
}

const showRate = (r: LeakRate) => `${r.unit === 'B' ? formatBytes(r.value) : Number(r.value.toPrecision(3))}/${r.per}`;

function verdictOf(leak: ScenarioLeak, e: Entry | undefined, file: string, today: string): KnownLeakVerdict {
  const name = `leak ${shortSignature(leak.signature)} (${leak.label})`;
  if (!e) return { status: 'new', message: `new ${name}: not in ${file}` };
  const who = `accepted by ${e.acceptedBy} on ${e.acceptedAt}${e.note ? `: ${e.note}` : ''}`;
  const entry = {
    acceptedBy: e.acceptedBy, acceptedAt: e.acceptedAt, note: e.note,
    ...(e.expires === undefined ? {} : { expires: e.expires }), ...(e.maxRate === undefined ? {} : { maxRate: e.maxRate }),
  };
  if (e.expires !== undefined && today > e.expires) {
    return { status: 'expired', ...entry, message: `known ${name}: its acceptance expired on ${e.expires} (${who}); fix it, or accept it again with seep accept` };
  }
  if (e.ceiling) {
    const r = rateFor(leak.rates, e.ceiling);
    if (!r) return { status: 'known', ...entry, message: `known ${name}, ${who}; its ceiling ${e.maxRate} was not checked: this run measured no rate in those terms` };
    if (r.value > e.ceiling.value) {
      return { status: 'over-ceiling', ...entry, message: `known ${name} got worse: ${showRate(r)}, above its ceiling ${e.maxRate} (${who})` };
    }
    return { status: 'known', ...entry, message: `known ${name}: ${showRate(r)} within its ceiling ${e.maxRate}, ${who}` };
  }
  return { status: 'known', ...entry, message: `known ${name}, ${who}` };
}

/**
 * `today`: the day the run started (YYYY-MM-DD, UTC), against which expiry is judged. With no file,
 * the leaks and checks come back as they were.
 */
export function judgeKnownLeaks(leaks: ScenarioLeak[], checks: Check[], known: KnownLeaksPlan | undefined, today: string): { leaks: ScenarioLeak[]; checks: Check[] } {
  if (!known) return { leaks, checks };
  const judged = leaks.map((l) => ({ ...l, known: verdictOf(l, known.entries.find((e) => e.signature === l.signature), known.file, today) }));
  const status = new Map(judged.map((l) => [l.signature, l.known.status]));
  const out = checks.map((c): Check => {
    if (c.pass || !c.leaks?.length || !c.leaks.every((s) => status.get(s) === 'known')) return c;
    return { ...c, pass: true, known: true };
  });
  return { leaks: judged, checks: out };
}

/** The file as the run used it: how many entries, and which no scenario of the run showed. */
export function knownLeaksUse(known: KnownLeaksPlan, scenarios: Pick<ScenarioReport, 'leaks'>[]): KnownLeaksUse {
  const seen = new Set(scenarios.flatMap((s) => (s.leaks ?? []).map((l) => l.signature)));
  return {
    file: known.file,
    entries: known.entries.length,
    notSeen: known.entries.filter((e) => !seen.has(e.signature)).map((e) => ({ signature: e.signature, leak: e.leak })),
  };
}
