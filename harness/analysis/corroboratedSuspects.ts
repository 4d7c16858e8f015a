// Suspects and verdict agree: what a failing check names ranks first among the suspects. The looks
// after the run rank by what grew per step and by size, which puts a request's Socket, ReadableState
// and Url above the Timeout of the interval that keeps them; the checks know better what leaked
// (leak.handles: "Timeout +30", leak.threads: one thread a step, leak.types: the type whose series
// grew with no plateau). Pure: the checks and the ranked suspects in, the suspects reordered out.
import type { Check, Leftover, Suspect, TypeTrend } from '../report/runReportSchema.ts';
import { suspectFor } from './typeTrends.ts';
import { withHeld } from './suspects.ts';

/**
 * The runtime's class that owns one of a counted resource, for checks whose leftovers have no type:
 * JavaScript makes a thread only with a Worker and a child with a ChildProcess; Python's are
 * threading.Thread and subprocess.Popen (fds and sockets have too many owners to name one).
 */
const OWNERS: Record<string, Record<Suspect['runtime'], string[]>> = {
  'leak.threads': { node: ['Worker'], python: ['threading.Thread'] },
  'leak.children': { node: ['ChildProcess'], python: ['subprocess.Popen'] },
};

/** A handle type left over ('Timeout') names its constructor and the handle suspects of that type. */
function namesHandle(l: Leftover, s: Suspect): boolean {
  return l.kind === 'handle' && (s.name === l.id || (s.kind === 'handle' && s.name.startsWith(`${l.id} created at `)));
}

/** A type or site the boundary series called a leak that the looks after the run missed, as a suspect. */
function fromTrend(runtime: Suspect['runtime'], t: TypeTrend): Suspect {
  const bytes = t.trend.unit === 'B';
  return {
    runtime,
    kind: runtime === 'python' ? 'type' : 'allocation-site',
    name: t.name,
    countDelta: bytes ? 0 : (t.afterSettle ?? 0),
    perIteration: bytes ? 0 : t.trend.slope,
    bytesDelta: bytes ? (t.afterSettle ?? 0) : 0,
    where: t.where,
  };
}

export function corroborateSuspects(suspects: Suspect[], checks: Check[], runtime: Suspect['runtime'] | undefined): Suspect[] {
  const found = findNamed(withHeld(suspects), checks, runtime);
  if (found.named.size === 0 && found.added.length === 0) return suspects;
  // a suspect a holder took in moves its holder: the entry the developer reads
  const top = (s: Suspect) => suspects.find((x) => x === s || (x.kind === 'holder' && withHeld([x]).includes(s)));
  const named = new Set([...found.named].map(top).filter((s): s is Suspect => s !== undefined));
  return [...suspects.filter((s) => named.has(s)), ...found.added, ...suspects.filter((s) => !named.has(s))];
}

function findNamed(suspects: Suspect[], checks: Check[], runtime: Suspect['runtime'] | undefined): { named: Set<Suspect>; added: Suspect[] } {
  const named = new Set<Suspect>();
  const added: Suspect[] = [];
  for (const c of checks) {
    if (c.pass) continue;
    for (const l of c.leftovers ?? []) for (const s of suspects) if (namesHandle(l, s)) named.add(s);
    const owners = runtime ? OWNERS[c.id]?.[runtime] ?? [] : [];
    for (const s of suspects) if (s.runtime === runtime && s.kind === (runtime === 'python' ? 'type' : 'constructor') && owners.includes(s.name)) named.add(s);
    if (c.id !== 'leak.types' || !runtime) continue;
    for (const t of c.typeTrends ?? []) {
      if (!t.leaks) continue;
      const s = suspectFor({ runtime }, t.name, suspects);
      if (s) named.add(s);
      else if (runtime === 'python' && !added.some((a) => a.name === t.name)) added.push(fromTrend(runtime, t));
    }
  }
  return { named, added };
}
