// The judge's ranking of the agents' evidence (report/suspectEvidenceSchema.ts) into suspects, for
// `seep run` and `seep judge` alike. Pure: the evidence in, the ranked suspects out. fuite's rule
// picks what grew once per step and stayed after the settle (suspects.ts); holders come first.
import type { Suspect, SuspectEvidence } from '../report/schema.ts';
import { holdersFirst, rankSuspects } from './suspects.ts';
import { warningCandidates } from './warningCandidates.ts';

export function rankEvidence(e: SuspectEvidence): Suspect[] {
  const growth = e.growth.map((g) => ({ ...g, runtime: e.runtime }));
  const ranked = holdersFirst(rankSuspects(growth, warningCandidates(e.runtime, e.warnings, e.warningsBefore), e.steps));
  const open = (e.openAtExit ?? [])
    .map((o): Suspect => ({ runtime: e.runtime, kind: 'handle', name: o.name, countDelta: o.count, perIteration: o.count / Math.max(1, e.steps), bytesDelta: 0, where: o.where }))
    .sort((a, b) => b.countDelta - a.countDelta);
  return [...ranked, ...open];
}
