// A leak's signature, as LeakCanary groups leaks by a hash of their trace: the resource, the type or
// site that leaks, and the shape of its trace from the developer's own name, with everything that
// differs between two runs of the same leak taken out (addresses, pids, ports, indices, counts,
// line numbers, the folder a checkout sits in). The same leak in two runs, on two machines, at two
// rates signs the same; two leaks differ by what leaks or by the name that holds it. Pure.
import { createHash } from 'node:crypto';
import type { Check, LeakTrace, Resource, Suspect, TraceReference } from '../report/runReportSchema.ts';

export const SIGNATURE_LENGTH = 12;

function hash(parts: string[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, SIGNATURE_LENGTH);
}

const SOURCE_FILE = /(?:file:\/\/)?(?:[^\s:'"()<>]*\/)?([^\s/:'"()<>]+\.(?:py|pyw|mjs|cjs|js|jsx|mts|cts|ts|tsx))(?!\w)(?::\d+)*/g;

/**
 * Text of a trace as it is the same in every run: a source file by its name alone (the checkout's
 * folder differs between machines and worktrees) without its line and column (they move with
 * unrelated edits); an address, an index, a key, a count in brackets and any other number as a
 * placeholder (pids, ports, fds, iteration numbers). Numbers inside a word stay: urllib3, Float64Array.
 */
export function normalisePlace(text: string): string {
  return text
    .replace(SOURCE_FILE, '$1')
    .replace(/\b0x[0-9a-f]+\b/gi, '0x#')
    .replace(/\[(?:\d+|'[^']*'|"[^"]*")\]/g, '[]')
    .replace(/\s*\(\d+\)$/, '')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}\b/g, '#.#.#.#')
    .replace(/(^|[^\w.])\d+(?:\.\d+)?(?![\w])/g, '$1#')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A reference's part of the shape: runtime links (a context, a backing store) are walked through, not named. */
function referenceShape(r: TraceReference): string | null {
  if (r.kind === 'internal') return null;
  const name = r.kind === 'element' || r.name.startsWith('[') ? '[]' : normalisePlace(r.name);
  // a closure's owner is its function: the file tells two functions of one name apart
  const site = r.kind === 'closure-variable' && r.site ? ` in ${normalisePlace(r.site)}` : '';
  return `${r.kind} ${normalisePlace(r.owner)}.${name}${site}`;
}

export function traceShape(t: LeakTrace): string[] {
  const refs = t.references.map(referenceShape).filter((x): x is string => x !== null);
  if (!t.internalOnly) return refs;
  return [`via ${normalisePlace(t.internalOnly.via)}`, ...[...new Set(t.internalOnly.allocatedAt.map(normalisePlace))].sort(), ...refs];
}

export function suspectResource(s: Pick<Suspect, 'kind'>): Resource {
  return s.kind === 'handle' ? 'handles' : s.kind === 'warning' ? 'output' : 'heap';
}

/** What leaks: the holder's objects, or the suspect itself (a type, a constructor, a site, a handle, a warning). */
export function leakingType(s: Suspect): string {
  return normalisePlace(s.kind === 'holder' && s.trace ? s.trace.leaking : s.name);
}

export function suspectSignature(s: Suspect): string {
  return hash(['suspect', s.runtime, suspectResource(s), leakingType(s), ...(s.trace ? traceShape(s.trace) : [])]);
}

/**
 * A failing leak check no suspect explains (a descriptor, a socket, an orphan, RSS with no agent):
 * the scenario's file and the check, since nothing finer tells two of its leaks apart.
 */
export function checkSignature(c: Pick<Check, 'id' | 'resource'>, scenarioFile: string): string {
  return hash(['check', scenarioFile, c.id, c.resource]);
}

/** The leak in words, for reports and the known-leaks file: 'requests.sessions.Session held by jobs._SESSIONS'. */
export function suspectLabel(s: Suspect): string {
  const root = s.trace?.references.find((r) => r.kind !== 'internal' && r.kind !== 'element');
  if (s.kind === 'holder') return `${s.trace?.leaking ?? 'objects'} held by ${s.name}`;
  if (root) return `${s.name} held by ${root.owner}${/\.(m?[jt]s|cjs)$/.test(root.owner) ? ': ' : '.'}${root.name}`;
  if (s.trace?.internalOnly) return `${s.name} reached through ${normalisePlace(s.trace.internalOnly.via)}`;
  const made = s.trace?.madeAt?.[0];
  return made ? `${s.name} made at ${normalisePlace(made)}` : s.name;
}
