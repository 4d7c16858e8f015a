// The leaks behind a scenario's failing leak checks, each under its signature (leakSignature.ts):
// what a known-leaks file accepts and `seep accept` writes. Pure: the checks and the ranked suspects
// in, the leaks out, with each failing check naming the signatures of the leaks it rests on and every
// suspect signed.
//
// A memory leak is a suspect that grew once per step and stayed (fuite's rule, suspects.ts), with
// what belongs to it: a holder (a name the developer wrote) takes the suspects whose trace starts at
// its name, and those made on the same line as what it holds (a requests.Session's cookie jar and
// policy, counted apart by type but made by the one `requests.Session()`). A handle or warning check
// rests on its handle or warning suspects. A failing check that no suspect explains (descriptors,
// sockets, orphans, RSS with no agent) is a leak of its own, signed by its scenario and check.
import type { Check, CheckId, LeakRate, ScenarioLeak, Suspect } from '../report/runReportSchema.ts';
import { checkSignature, normalisePlace, suspectLabel, suspectResource, suspectSignature, traceShape } from './leakSignature.ts';
import { isInformative, PER_ITERATION_SLACK } from '../agents/growthEvidence.ts';

const MEMORY_CHECKS = new Set<CheckId>(['leak.rss', 'leak.heap', 'leak.types']);

export interface ScenarioLeaks {
  leaks: ScenarioLeak[];
  /** the checks, the failing leak checks with `leaks` */
  checks: Check[];
  /** the suspects, each (and each a holder holds) with its `signature` */
  suspects: Suspect[];
}

function signed(s: Suspect): Suspect {
  return { ...s, signature: suspectSignature(s), ...(s.holds ? { holds: s.holds.map(signed) } : {}) };
}

const grewPerStep = (s: Suspect) => s.perIteration >= PER_ITERATION_SLACK;

function isMemorySuspect(s: Suspect): boolean {
  if (!grewPerStep(s)) return false;
  if (s.kind === 'holder') return true;
  return (s.kind === 'constructor' || s.kind === 'type' || s.kind === 'allocation-site') && isInformative({ ...s, kind: s.kind });
}

/** The developer's name a suspect hangs from, as its trace or referrer chain starts; null when it has none. */
function rootOf(s: Suspect): string | null {
  const first = s.trace ? traceShape({ ...s.trace, internalOnly: undefined })[0] : undefined;
  if (first !== undefined) return first;
  return !s.trace && s.where.length > 0 && s.kind !== 'holder' ? normalisePlace(s.where[0]!) : null;
}

function madeAt(s: Suspect): string[] {
  return [...(s.trace?.madeAt ?? []), ...(s.holds ?? []).flatMap(madeAt)].map(normalisePlace);
}

/** Memory suspects grouped into leaks: holders first, then what hangs from the same name or was made where theirs were. */
function memoryGroups(suspects: Suspect[]): Suspect[][] {
  const growing = suspects.filter(isMemorySuspect).sort((a, b) => Number(b.kind === 'holder') - Number(a.kind === 'holder'));
  const groups: { root: string | null; made: Set<string>; members: Suspect[] }[] = [];
  for (const s of growing) {
    const root = rootOf(s);
    const made = madeAt(s);
    const home = groups.find((g) => (root !== null && g.root === root) || (root === null && made.some((m) => g.made.has(m))));
    if (home) {
      home.members.push(s);
      for (const m of made) home.made.add(m);
    } else groups.push({ root, made: new Set(made), members: [s] });
  }
  return groups.map((g) => g.members);
}

function suspectRates(s: Suspect): LeakRate[] {
  const rates: LeakRate[] = [{ value: s.perIteration, unit: 'objects', per: 'iteration' }];
  const steps = s.perIteration > 0 ? s.countDelta / s.perIteration : 0;
  if (steps > 0 && s.bytesDelta > 0) rates.push({ value: s.bytesDelta / steps, unit: 'B', per: 'iteration' });
  return rates;
}

function suspectLeak(s: Suspect): ScenarioLeak {
  return { signature: s.signature!, resource: suspectResource(s), label: suspectLabel(s), checks: [], rates: suspectRates(s) };
}

/** A failing check no suspect explains; the memory checks (RSS, heap, types) are one leak between them. */
function checkLeak(c: Check, scenarioFile: string): ScenarioLeak {
  const memory = MEMORY_CHECKS.has(c.id);
  const id = memory ? 'memory' : c.id;
  const rates: LeakRate[] = c.trend ? [{ value: c.trend.slope, unit: c.trend.unit, per: c.trend.per }] : [];
  return {
    signature: checkSignature({ id: id as CheckId, resource: memory ? 'rss' : c.resource }, scenarioFile),
    resource: memory ? 'rss' : c.resource,
    label: memory ? `memory growth of ${scenarioFile}, no suspect named` : `${c.id} of ${scenarioFile}`,
    checks: [],
    rates,
  };
}

export function scenarioLeaks(checks: Check[], suspects: Suspect[], scenarioFile: string): ScenarioLeaks {
  const all = suspects.map(signed);
  const failing = checks.filter((c) => c.kind === 'leak' && !c.pass && c.measured !== false);
  if (failing.length === 0) return { leaks: [], checks, suspects: all };
  const memory = memoryGroups(all).map((g) => suspectLeak(g[0]!));
  const found = new Map<string, ScenarioLeak>();
  const behind = (c: Check): ScenarioLeak[] => {
    if (MEMORY_CHECKS.has(c.id)) return memory;
    if (c.id === 'leak.handles') return all.filter((s) => s.kind === 'handle' && grewPerStep(s)).map(suspectLeak);
    if (c.id === 'leak.warnings') return all.filter((s) => s.kind === 'warning' && s.countDelta > 0).map(suspectLeak);
    return [];
  };
  const out = checks.map((c) => {
    if (!failing.includes(c)) return c;
    const leaks = behind(c);
    if (leaks.length === 0) leaks.push(checkLeak(c, scenarioFile));
    for (const l of leaks) {
      const seen = found.get(l.signature) ?? { ...l, checks: [] };
      if (!seen.checks.includes(c.id)) seen.checks.push(c.id);
      found.set(l.signature, seen);
    }
    return { ...c, leaks: [...new Set(leaks.map((l) => l.signature))] };
  });
  return { leaks: [...found.values()], checks: out, suspects: all };
}

