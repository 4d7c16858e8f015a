// Node's traces for the suspect evidence: the constructors that grew once per step, found among the
// objects the last snapshot has that the first did not (heap/heapGrowth.ts, in a child process),
// each traced from the first name the developer wrote, and the holders they hang from.
import type { GrowthEvidence, HolderEvidence } from '../report/suspectEvidenceSchema.ts';
import { worthTracing } from './growthEvidence.ts';
import { heapGrowthInChild } from '../heap/heapGrowthInChild.ts';
import type { HeapGrowth, WantedType } from '../heap/heapGrowth.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** seep's code inside a Node target: its agent (this folder's node/) and its function worker */
const SEEP_SCRIPTS = [path.join(path.dirname(fileURLToPath(import.meta.url)), 'node') + path.sep, path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'drivers', 'workers') + path.sep].map((d) => path.normalize(d));

/** constructors traced: every one that grew once per step counts for its holder, informative or not (a Buffer's backing store) */
const MAX_TRACED = 12;

export interface NodeTraceInput {
  /** the snapshot after the settle */
  file: string;
  /** the highest object id of the first snapshot */
  newerThan: number;
  growth: GrowthEvidence[];
  steps: number;
}

export function wantedTypes(growth: GrowthEvidence[], steps: number): { evidence: GrowthEvidence; wanted: WantedType }[] {
  return worthTracing(growth, 'node', steps, MAX_TRACED, false)
    .filter((g) => g.nodeType !== undefined && !g.name.startsWith('('))
    .map((g) => ({ evidence: g, wanted: { type: g.nodeType!, name: g.nodeType === 'closure' ? g.name.replace(/\(\)$/, '') : g.name } }));
}

/**
 * Runs the analysis (within `limits.timeoutMs`, or until `limits.signal` aborts), sets each traced growth's trace, drops the growth that
 * hangs from seep's own agent (its bookkeeping of the target's handles), and returns the holders.
 */
export async function traceNodeGrowth(input: NodeTraceInput, limits: { timeoutMs: number; signal?: AbortSignal }): Promise<HolderEvidence[]> {
  const picked = wantedTypes(input.growth, input.steps);
  if (picked.length === 0) return [];
  const found: HeapGrowth = await heapGrowthInChild(input.file, { newerThan: input.newerThan, wanted: picked.map((p) => p.wanted), seepScripts: SEEP_SCRIPTS, steps: input.steps }, limits);
  for (const p of picked) {
    const key = `${p.wanted.type}:${p.wanted.name}`;
    const trace = found.traces[key];
    if (trace) p.evidence.trace = trace;
    if (found.seepOwned.includes(key)) input.growth.splice(input.growth.indexOf(p.evidence), 1);
  }
  return found.holders.map((h) => ({ name: h.name, trace: h.trace, count: h.count, bytes: h.bytes, holds: h.holds }));
}
