// The judge's ranking of the agents' evidence (report/suspectEvidenceSchema.ts) into suspects, for
// `seep run` and `seep judge` alike. Pure: the evidence in, the ranked suspects out. fuite's rule
// picks what grew once per step and stayed after the settle (suspects.ts). Holders come first: a
// name the developer wrote that new objects hang from (a module array, a class attribute) is one
// entry, ranked by what its new objects retain per step, with the types it holds folded under it
// (the array before the Buffers in it, the Session before its cookie jar).
import type { Suspect, TraceReference } from '../report/runReportSchema.ts';
import type { HolderEvidence, SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import type { Observations } from '../observations/observations.ts';
import { PER_ITERATION_SLACK } from '../agents/growthEvidence.ts';
import { traceWhere } from './leakTraceText.ts';
import { holdersFirst, rankSuspects } from './suspects.ts';
import { warningCandidates } from './warningCandidates.ts';
import { warningSuspects } from './warningCosts.ts';

const sameReference = (a: TraceReference, b: TraceReference) => a.kind === b.kind && a.owner === b.owner && a.name === b.name;

/** a holder takes a suspect in when it holds at least this share of the suspect's new instances, or its trace starts at the holder's name */
const HELD_SHARE = 0.5;

/**
 * The run's suspects: those an older stream ranked, then its evidence ranked, then the warnings the
 * agents counted at every boundary that grew over the measured steps, at their rate per measured
 * step; undefined when no looks were taken.
 */
export function runSuspects(obs: Pick<Observations, 'suspects' | 'suspectEvidence' | 'warningCounts'>): Suspect[] | undefined {
  if (obs.suspects === undefined && obs.suspectEvidence === undefined) return undefined;
  return [...(obs.suspects ?? []), ...(obs.suspectEvidence ?? []).flatMap(rankEvidence), ...warningSuspects(obs.warningCounts ?? [])];
}

export function rankEvidence(e: SuspectEvidence): Suspect[] {
  const growth = e.growth.map((g) => ({ ...g, runtime: e.runtime, where: g.trace ? traceWhere(g.trace) : g.where }));
  const ranked = foldIntoHolders(holdersFirst(rankSuspects(growth, warningCandidates(e.runtime, e.warnings, e.warningsBefore), e.steps)), e.holders, e.runtime, e.steps);
  const open = (e.openAtExit ?? [])
    .map((o): Suspect => ({ runtime: e.runtime, kind: 'handle', name: o.name, countDelta: o.count, perIteration: o.count / Math.max(1, e.steps), bytesDelta: 0, where: o.where }))
    .sort((a, b) => b.countDelta - a.countDelta);
  return [...ranked, ...open];
}

/**
 * Each holder that grew once per step becomes an entry, by retained bytes, taking in the suspects it
 * holds most of; the holders go first (what a check names is moved ahead of them later, by
 * corroboratedSuspects.ts).
 */
export function foldIntoHolders(ranked: Suspect[], holders: HolderEvidence[], runtime: Suspect['runtime'], steps: number): Suspect[] {
  if (steps <= 0) return ranked;
  const taken = new Set<Suspect>();
  const entries: Suspect[] = [];
  for (const h of [...holders].sort((a, b) => b.bytes - a.bytes || b.count - a.count)) {
    if (h.count < PER_ITERATION_SLACK * steps) continue;
    const root = h.trace.references[0];
    const sameRoot = (s: Suspect) => root !== undefined && s.trace?.references[0] !== undefined && sameReference(s.trace.references[0], root);
    const held = ranked.filter((s) => !taken.has(s) && (s.kind === 'constructor' || s.kind === 'type')
      && (h.holds.some((x) => x.name === s.name && x.count >= HELD_SHARE * s.countDelta) || sameRoot(s)));
    for (const s of held) taken.add(s);
    entries.push({
      runtime,
      kind: 'holder',
      name: h.name,
      countDelta: h.count,
      perIteration: h.count / steps,
      bytesDelta: h.bytes,
      where: traceWhere(h.trace),
      trace: h.trace,
      holds: held,
      ...(h.process ? { process: h.process } : {}),
    });
  }
  if (entries.length === 0) return ranked;
  return [...entries, ...ranked.filter((s) => !taken.has(s))];
}
