// Which constructors, types, allocation sites, handles and warnings a scenario's leak is made of.
// Pure: counts at three points (after warmup, after the measured iterations, after the settle) in,
// ranked Suspects out. The rule is fuite's: a thing leaks per iteration when its count grows by at
// least about the number of iterations, and memlab's: it must still be there after the settle.
import type { Check, Suspect } from '../report/runReportSchema.ts';
import type { GrowthEvidence } from '../report/suspectEvidenceSchema.ts';
import { isInformative, perIterationGrowth, PER_ITERATION_SLACK } from '../agents/growthEvidence.ts';

export { isInformative, perIterationGrowth };

/** Growth evidence of one runtime, as ranked. */
export interface GrowthCandidate extends GrowthEvidence {
  runtime: Suspect['runtime'];
}

export interface WarningCandidate {
  runtime: Suspect['runtime'];
  name: string;
  /** seen during the measured iterations and the settle */
  occurrences: number;
  /** seen at all, warmup included: a warning raised once in the warmup still names the problem */
  total: number;
  where: string[];
}

const KIND_ORDER: Record<Suspect['kind'], number> = { holder: 0, 'allocation-site': 0, constructor: 0, type: 1, handle: 2, warning: 3 };
const NODE_TYPE_ORDER: Record<string, number> = { object: 0, native: 1, closure: 2 };

export function rankSuspects(growth: GrowthCandidate[], warnings: WarningCandidate[], iterations: number): Suspect[] {
  const scored: { s: Suspect; key: number[] }[] = [];
  for (const c of growth) {
    const g = perIterationGrowth(c, iterations);
    if (!g) continue;
    scored.push({
      s: {
        runtime: c.runtime, kind: c.kind, name: c.name, countDelta: g.countDelta, perIteration: g.countDelta / iterations, bytesDelta: g.bytesDelta, where: c.where,
        ...(c.trace ? { trace: c.trace } : {}), ...(c.process ? { process: c.process } : {}),
        ...(!c.trace && c.where.length === 0 && c.noWhere ? { noWhere: c.noWhere } : {}),
      },
      key: [isInformative(c) ? 0 : 1, KIND_ORDER[c.kind], NODE_TYPE_ORDER[c.nodeType ?? ''] ?? 3, -g.bytesDelta, -g.countDelta],
    });
  }
  for (const w of warnings) {
    // listed only when it grew: raised in the steps measured, not only before them
    if (w.occurrences <= 0) continue;
    scored.push({
      s: { runtime: w.runtime, kind: 'warning', name: w.name, countDelta: w.occurrences, perIteration: iterations > 0 ? w.occurrences / iterations : 0, bytesDelta: 0, where: w.where },
      key: [0, KIND_ORDER.warning, 0, 0, -w.occurrences],
    });
  }
  scored.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) if (a.key[i] !== b.key[i]) return a.key[i]! - b.key[i]!;
    return a.s.name.localeCompare(b.s.name);
  });
  return scored.map((x) => x.s);
}

/**
 * The suspects with each holder replaced by what it holds: what grew per step, as the checks count
 * it (a holder is where those hang from, not one more type that grew).
 */
export function withHeld(suspects: Suspect[]): Suspect[] {
  return suspects.flatMap((s) => (s.kind === 'holder' ? withHeld(s.holds ?? []) : [s]));
}

/** A hop of a retainer path or referrer chain ('Timeout._idleNext', 'onPrice().context', 'logging.FileHandler.stream') on an instance of `name`. */
function passesThrough(hop: string, name: string): boolean {
  return hop.startsWith(name) && (hop.length === name.length || '.[('.includes(hop[name.length]!));
}

/**
 * Holders first. A suspect whose retainer path (Node) or referrer chain (Python) passes through an
 * instance of another suspect that grew once per step is part of what that one keeps: a request's
 * Socket, ReadableState and Url kept by the closure of the interval each request started (through
 * its Timeout), a FileHandler's _io.TextIOWrapper, RLock and Formatter. Those parts outnumber the
 * holder and often outweigh it, yet the holder is what to fix: a suspect that holds others and is
 * held by none moves ahead of them, one held by another behind them, in the places the informative
 * growing suspects took (warnings, handles and VM internals keep theirs). Pure; the paths are
 * whatever explain() found, and a suspect with none is neither holder nor held unless another's
 * path passes through it.
 */
export function holdersFirst(ranked: Suspect[]): Suspect[] {
  const slots: number[] = [];
  ranked.forEach((s, i) => {
    if ((s.kind === 'constructor' || s.kind === 'type') && s.perIteration >= PER_ITERATION_SLACK && isInformative(s)) slots.push(i);
  });
  const growing = slots.map((i) => ranked[i]!);
  const held = new Set<Suspect>();
  const holders = new Set<Suspect>();
  // a holder with no path of its own (its search was not run, or cut short) takes the part of a held one's up to it
  const pathOf = new Map<Suspect, Suspect>();
  for (const s of growing) {
    // the outermost hop on another growing suspect, the last hop (the instance itself) aside
    for (const [i, hop] of s.where.slice(0, -1).entries()) {
      const h = growing.find((g) => g !== s && g.name !== s.name && passesThrough(hop, g.name));
      if (!h) continue;
      held.add(s);
      holders.add(h);
      const noChain = h.trace ? h.trace.references.length === 0 : h.where.length === 0;
      if (noChain && !pathOf.has(h)) {
        const made = h.trace?.madeAt ?? [];
        const trace = s.trace && s.trace.references.length >= i ? { trace: { ...s.trace, references: s.trace.references.slice(0, i), leaking: h.name, madeAt: made } } : {};
        pathOf.set(h, { ...h, where: [...s.where.slice(0, i), h.name, ...made.map((m) => `made at ${m}`)], ...trace });
      }
      break;
    }
  }
  if (held.size === 0) return ranked;
  const tier = (s: Suspect) => (held.has(s) ? 2 : holders.has(s) ? 0 : 1);
  const reordered = growing.map((s, i) => ({ s, i })).sort((a, b) => tier(a.s) - tier(b.s) || a.i - b.i).map((x) => pathOf.get(x.s) ?? x.s);
  const out = [...ranked];
  slots.forEach((slot, k) => {
    out[slot] = reordered[k]!;
  });
  return out;
}

/**
 * Suspects and verdict agree: a constructor, type, allocation site or handle that grew about once per
 * step (fuite's rule: a multiple of the step count) and was still there after the settle fails the
 * run, named with its rate and who holds it. Python's builtin containers and V8's internal nodes are
 * left to explain, never to fail (they grow beside whatever leaks). Warnings are leak.warnings'.
 */
export function typeGrowthCheck(suspects: Suspect[] | undefined): Check | null {
  if (suspects === undefined) return null;
  const growing = withHeld(suspects).filter((s) => s.kind !== 'warning' && s.perIteration >= PER_ITERATION_SLACK && isInformative(s));
  const top = growing.slice(0, 3).map((s) => `${s.name} +${s.perIteration.toFixed(1)}/step${s.where.length > 0 ? ` (held by ${s.where.slice(0, 3).join(' > ')}${s.where.length > 3 ? ' > ...' : ''})` : ''}`);
  return {
    id: 'leak.types', resource: 'heap', kind: 'leak', limitValue: 0, observed: growing.length, unit: 'types', pass: growing.length === 0,
    message: growing.length === 0
      ? 'nothing grew once per step and stayed after the settle'
      : `${growing.length} grew once per step and stayed after the settle: ${top.join('; ')}${growing.length > 3 ? '; ...' : ''}`,
  };
}
