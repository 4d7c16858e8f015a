// Counts of keyed things at the agents' three looks, as growth evidence: what a collector writes into
// the stream, and what `seep judge` makes of a document's looks; and the rule for what grew, which
// the collectors need to choose what to trace and the judge to rank (analysis/rankSuspects.ts), here
// with the collectors, below the judge.
// The rule is fuite's: a thing leaks per step when its count grows by at least about the number of
// steps, and memlab's: it must still be there after the settle. No ranking here (the judge's).
import type { Suspect } from '../report/runReportSchema.ts';
import type { CountPoint, GrowthEvidence } from '../report/suspectEvidenceSchema.ts';

/** fuite counts a leak when growth is a multiple of the iteration count; allow 10% for objects freed late */
export const PER_ITERATION_SLACK = 0.9;
/** below this an allocation site's growth is allocator and freelist noise, not a leak */
const MIN_SITE_BYTES_PER_ITERATION = 64;
/**
 * '(string)' and '(number)' lump every string or heap number in the process together, so a few
 * strings a server caches now and then cross the per-iteration count in a fixed twin too (seen:
 * +27 strings in 30 requests). Count them only when they also bring real bytes per iteration.
 */
const VALUE_NODE_TYPES = new Set(['string', 'concatenated string', 'sliced string', 'number', 'symbol', 'bigint']);
const MIN_VALUE_BYTES_PER_ITERATION = 1024;

const PYTHON_BUILTIN_CONTAINERS = new Set([
  'dict', 'list', 'tuple', 'set', 'frozenset', 'function', 'cell', 'method', 'builtin_function_or_method',
  'weakref', 'getset_descriptor', 'member_descriptor', 'wrapper_descriptor', 'method_descriptor', 'type',
  'module', 'frame', 'code', 'property', 'staticmethod', 'classmethod', 'bytearray', 'deque',
  // a weak reference holds nothing: it grows beside what it refers to (logging's _handlerList, 2 a handler)
  'weakref.ReferenceType', 'weakref.ProxyType', 'weakref.CallableProxyType', 'weakref.KeyedRef',
]);

/** A suspect worth naming first: a class the user wrote, not a VM internal or a builtin container. */
export function isInformative(c: { runtime: Suspect['runtime']; kind: Suspect['kind']; name: string; nodeType?: string }): boolean {
  if (c.kind === 'holder') return true;
  if (c.kind === 'allocation-site' || c.kind === 'handle') return true;
  if (c.runtime === 'python') return !PYTHON_BUILTIN_CONTAINERS.has(c.name);
  if (c.nodeType && !['object', 'closure', 'native', 'regexp'].includes(c.nodeType)) return false;
  return !/^(\(|system \/|Object$|Array$)/.test(c.name);
}

/** How much of a candidate grew per iteration and stayed; null when it does not grow per iteration. */
export function perIterationGrowth(c: GrowthEvidence, iterations: number): { countDelta: number; bytesDelta: number } | null {
  if (iterations <= 0) return null;
  const measured = c.measured.count - c.baseline.count;
  const settled = c.settle.count - c.baseline.count;
  const countDelta = Math.min(measured, settled);
  const bytesDelta = Math.min(c.measured.bytes - c.baseline.bytes, c.settle.bytes - c.baseline.bytes);
  if (countDelta < PER_ITERATION_SLACK * iterations) return null;
  if (c.kind === 'allocation-site' && bytesDelta < MIN_SITE_BYTES_PER_ITERATION * iterations) return null;
  if (c.nodeType && VALUE_NODE_TYPES.has(c.nodeType) && bytesDelta < MIN_VALUE_BYTES_PER_ITERATION * iterations) return null;
  return { countDelta, bytesDelta };
}

/**
 * The growth worth a retainer path or referrer search (each costs time in the target or a child):
 * constructors and types that grew once per step (informative ones only, unless told), the biggest
 * growth first.
 */
export function worthTracing(growth: GrowthEvidence[], runtime: Suspect['runtime'], steps: number, max: number, informativeOnly = true): GrowthEvidence[] {
  return growth
    .filter((g) => (g.kind === 'constructor' || g.kind === 'type') && (!informativeOnly || isInformative({ ...g, runtime })))
    .map((g) => ({ g, d: perIterationGrowth(g, steps) }))
    .filter((x): x is { g: GrowthEvidence; d: { countDelta: number; bytesDelta: number } } => x.d !== null)
    .sort((a, b) => b.d.bytesDelta - a.d.bytesDelta || b.d.countDelta - a.d.countDelta || a.g.name.localeCompare(b.g.name))
    .slice(0, max)
    .map((x) => x.g);
}
/** One entry per key seen after the first look; a key missing at a look counts zero there. */
export function growthFromCounts<T>(
  points: [Map<string, T>, Map<string, T>, Map<string, T>],
  read: (v: T) => CountPoint,
  make: (key: string, sample: T) => Omit<GrowthEvidence, 'baseline' | 'measured' | 'settle'>,
): GrowthEvidence[] {
  const zero: CountPoint = { count: 0, bytes: 0 };
  const keys = new Set([...points[1].keys(), ...points[2].keys()]);
  const out: GrowthEvidence[] = [];
  for (const key of keys) {
    const [a, b, c] = points.map((p) => p.get(key));
    const sample = (c ?? b)!;
    out.push({ ...make(key, sample), baseline: a ? read(a) : zero, measured: b ? read(b) : zero, settle: c ? read(c) : zero });
  }
  return out;
}
