// Which constructors, types, allocation sites, handles and warnings a scenario's leak is made of.
// Pure: counts at three points (after warmup, after the measured iterations, after the settle) in,
// ranked Suspects out. The rule is fuite's: a thing leaks per iteration when its count grows by at
// least about the number of iterations, and memlab's: it must still be there after the settle.
import type { Check, Suspect } from '../report/schema.ts';

export interface CountPoint {
  count: number;
  bytes: number;
}

export interface GrowthCandidate {
  runtime: Suspect['runtime'];
  kind: 'constructor' | 'allocation-site' | 'type' | 'handle';
  name: string;
  /** V8 node type for constructors ('object', 'closure', ...); ranks real classes above internals */
  nodeType?: string;
  baseline: CountPoint;
  measured: CountPoint;
  settle: CountPoint;
  where: string[];
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

/** fuite counts a leak when growth is a multiple of the iteration count; allow 10% for objects freed late */
const PER_ITERATION_SLACK = 0.9;
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
  if (c.kind === 'allocation-site' || c.kind === 'handle') return true;
  if (c.runtime === 'python') return !PYTHON_BUILTIN_CONTAINERS.has(c.name);
  if (c.nodeType && !['object', 'closure', 'native', 'regexp'].includes(c.nodeType)) return false;
  return !/^(\(|system \/|Object$|Array$)/.test(c.name);
}

/** How much of a candidate grew per iteration and stayed; null when it does not grow per iteration. */
export function perIterationGrowth(c: GrowthCandidate, iterations: number): { countDelta: number; bytesDelta: number } | null {
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

const KIND_ORDER: Record<Suspect['kind'], number> = { 'allocation-site': 0, constructor: 0, type: 1, handle: 2, warning: 3 };
const NODE_TYPE_ORDER: Record<string, number> = { object: 0, native: 1, closure: 2 };

export function rankSuspects(growth: GrowthCandidate[], warnings: WarningCandidate[], iterations: number): Suspect[] {
  const scored: { s: Suspect; key: number[] }[] = [];
  for (const c of growth) {
    const g = perIterationGrowth(c, iterations);
    if (!g) continue;
    scored.push({
      s: { runtime: c.runtime, kind: c.kind, name: c.name, countDelta: g.countDelta, perIteration: g.countDelta / iterations, bytesDelta: g.bytesDelta, where: c.where },
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
  for (const s of growing) {
    // the outermost hop on another growing suspect, the last hop (the instance itself) aside
    for (const hop of s.where.slice(0, -1)) {
      const h = growing.find((g) => g !== s && g.name !== s.name && passesThrough(hop, g.name));
      if (!h) continue;
      held.add(s);
      holders.add(h);
      break;
    }
  }
  if (held.size === 0) return ranked;
  const tier = (s: Suspect) => (held.has(s) ? 2 : holders.has(s) ? 0 : 1);
  const reordered = growing.map((s, i) => ({ s, i })).sort((a, b) => tier(a.s) - tier(b.s) || a.i - b.i).map((x) => x.s);
  const out = [...ranked];
  slots.forEach((slot, k) => {
    out[slot] = reordered[k]!;
  });
  return out;
}

/** Counts of one keyed thing at the three points; missing means zero. */
export function growthFromCounts<T>(
  points: [Map<string, T>, Map<string, T>, Map<string, T>],
  read: (v: T) => CountPoint,
  make: (key: string, sample: T) => Omit<GrowthCandidate, 'baseline' | 'measured' | 'settle'>,
): GrowthCandidate[] {
  const zero: CountPoint = { count: 0, bytes: 0 };
  const keys = new Set([...points[1].keys(), ...points[2].keys()]);
  const out: GrowthCandidate[] = [];
  for (const key of keys) {
    const [a, b, c] = points.map((p) => p.get(key));
    const sample = (c ?? b)!;
    out.push({ ...make(key, sample), baseline: a ? read(a) : zero, measured: b ? read(b) : zero, settle: c ? read(c) : zero });
  }
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
  const growing = suspects.filter((s) => s.kind !== 'warning' && s.perIteration >= PER_ITERATION_SLACK && isInformative(s));
  const top = growing.slice(0, 3).map((s) => `${s.name} +${s.perIteration.toFixed(1)}/step${s.where.length > 0 ? ` (held by ${s.where.slice(0, 3).join(' > ')}${s.where.length > 3 ? ' > ...' : ''})` : ''}`);
  return {
    id: 'leak.types', resource: 'heap', kind: 'leak', limitValue: 0, observed: growing.length, unit: 'types', pass: growing.length === 0,
    message: growing.length === 0
      ? 'nothing grew once per step and stayed after the settle'
      : `${growing.length} grew once per step and stayed after the settle: ${top.join('; ')}${growing.length > 3 ? '; ...' : ''}`,
  };
}
