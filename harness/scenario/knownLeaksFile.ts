// The known-leaks file (report/knownLeaksSchema.ts), read and checked at the edge: every entry
// validated (zod names the field), its rate ceiling parsed once, a signature listed twice refused.
// A mistake names the file, the entry (its index and signature) and what was expected: the command
// exits 2 before any target starts. Writing it back (seep accept) keeps one stable layout, so a
// review sees only what changed.
import { z } from 'zod';
import { KNOWN_LEAKS_VERSION, type KnownLeakEntry, type KnownLeaksFile, type KnownLeaksPlan, type RateCeiling } from '../report/knownLeaksSchema.ts';
import { RESOURCES } from '../report/runReportSchema.ts';
import { parseSize, UnitError } from './units.ts';

export class KnownLeaksFileError extends Error {
  override name = 'KnownLeaksFileError';
}

/** '1.5/iteration' (objects or another count), '64KB/iteration', '5MB/hour'. */
export function parseRateCeiling(text: string): RateCeiling {
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*\/\s*(iteration|step|hour|h)$/.exec(text.trim());
  if (m) {
    const per = m[3] === 'hour' || m[3] === 'h' ? 'hour' : 'iteration';
    if (m[2] === '') return { value: Number(m[1]), unit: 'count', per };
    try {
      return { value: parseSize(`${m[1]}${m[2]}`), unit: 'B', per };
    } catch (err) {
      if (!(err instanceof UnitError)) throw err;
    }
  }
  throw new UnitError(`expected a rate such as '1.5/iteration' (objects a step), '64KB/iteration' or '5MB/hour', got '${text}'`);
}

/** A ceiling as `seep accept` writes it, rounded up so that the rate it was taken from is within it. */
export function formatRateCeiling(value: number, unit: 'B' | 'count', per: 'iteration' | 'hour'): string {
  if (unit === 'count') return `${Math.ceil(value * 10) / 10}/${per}`;
  const [name, size] = ([['GB', 1e9], ['MB', 1e6], ['KB', 1e3]] as const).find(([, s]) => value >= s) ?? ['B', 1];
  return `${Math.ceil((value / size) * 100) / 100}${name}/${per}`;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'expected a real date YYYY-MM-DD');
const ceiling = z.string().superRefine((value, ctx) => {
  try {
    parseRateCeiling(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

const entry = z.strictObject({
  signature: z.string().regex(/^[0-9a-f]{12}$/, 'expected the 12 hex digits seep accept wrote'),
  resource: z.enum(RESOURCES),
  leak: z.string(),
  scenario: z.string().optional(),
  note: z.string(),
  acceptedBy: z.string().min(1, 'expected who accepted it'),
  acceptedAt: date,
  expires: date.optional(),
  maxRate: ceiling.optional(),
});

const file = z.strictObject({
  version: z.literal(KNOWN_LEAKS_VERSION, { message: `expected ${KNOWN_LEAKS_VERSION}` }),
  leaks: z.array(z.unknown()),
});

function fieldPath(path: PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** The file's text to the plan the judge reads; `name` is how errors name the file. */
export function parseKnownLeaks(text: string, name: string): KnownLeaksPlan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KnownLeaksFileError(`${name}: not JSON: ${(err as Error).message}`);
  }
  const top = file.safeParse(json);
  if (!top.success) {
    const issue = top.error.issues[0]!;
    throw new KnownLeaksFileError(`${name}: ${fieldPath(issue.path) || '(top level)'}: ${issue.message}`);
  }
  const entries: KnownLeaksPlan['entries'] = [];
  for (const [i, raw] of top.data.leaks.entries()) {
    const sig = typeof (raw as { signature?: unknown })?.signature === 'string' ? ` (${(raw as { signature: string }).signature})` : '';
    const parsed = entry.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = fieldPath(issue.path);
      throw new KnownLeaksFileError(`${name}: leaks[${i}]${sig}${field ? `: ${field}` : ''}: ${issue.message}`);
    }
    const e = parsed.data as KnownLeakEntry;
    const twice = entries.findIndex((x) => x.signature === e.signature);
    if (twice >= 0) throw new KnownLeaksFileError(`${name}: leaks[${i}]${sig}: the same signature as leaks[${twice}]: one entry a leak`);
    entries.push(e.maxRate === undefined ? e : { ...e, ceiling: parseRateCeiling(e.maxRate) });
  }
  return { file: name, entries };
}

/** The file as `seep accept` writes it: version first, entries in the order given, fields in the schema's order. */
export function knownLeaksText(leaks: KnownLeakEntry[]): string {
  const ordered = leaks.map((e): KnownLeakEntry => ({
    signature: e.signature,
    resource: e.resource,
    leak: e.leak,
    ...(e.scenario === undefined ? {} : { scenario: e.scenario }),
    note: e.note,
    acceptedBy: e.acceptedBy,
    acceptedAt: e.acceptedAt,
    ...(e.expires === undefined ? {} : { expires: e.expires }),
    ...(e.maxRate === undefined ? {} : { maxRate: e.maxRate }),
  }));
  const doc: KnownLeaksFile = { version: KNOWN_LEAKS_VERSION, leaks: ordered };
  return JSON.stringify(doc, null, 2) + '\n';
}
