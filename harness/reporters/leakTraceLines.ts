// A suspect's leak trace as LeakCanary draws one: a line per reference from the first name the
// developer wrote down to the leaking object, the user's own names marked, what a holder keeps
// folded under it. Drawing only: every figure and name is the report's. The terminal, the leak
// test's message and the Markdown summary print these lines; the HTML page marks them up itself.
import type { LeakTrace, Suspect, TraceReference } from '../report/runReportSchema.ts';
import { formatSigned } from './formatValue.ts';
import { plainText } from './plainText.ts';

const KIND_WORDS: Record<TraceReference['kind'], string> = {
  'module-variable': 'module variable',
  'closure-variable': 'closure variable',
  'class-attribute': 'class attribute',
  attribute: 'attribute',
  global: 'global',
  local: 'local',
  element: 'element',
  internal: 'internal',
};

export interface TraceLine {
  /** the tree's glyphs: '┬', '├─', '╰→' */
  glyph: string;
  text: string;
  /** a name the developer wrote: the reference to look at */
  user: boolean;
  /** a line about the trace (reached only through internals, where it was made), not a reference */
  note?: boolean;
}

/** How a reference reads: 'kept  (module variable of server.mjs:12)', 'Array[41]', 'Session.adapters'. */
export function referenceLine(r: TraceReference): string {
  if (r.kind === 'element') return `${r.owner}${r.name}`;
  if (r.kind === 'module-variable' || r.kind === 'global' || r.kind === 'local') return `${r.name}  (${KIND_WORDS[r.kind]} of ${r.site ?? r.owner})`;
  if (r.kind === 'closure-variable') return `${r.owner} → ${r.name}  (closure variable${r.site ? ` of the function at ${r.site}` : ''})`;
  return `${r.owner}.${r.name}${r.kind === 'internal' ? '' : `  (${KIND_WORDS[r.kind]})`}`;
}

export function traceLines(t: LeakTrace): TraceLine[] {
  const out: TraceLine[] = [];
  if (t.process) out.push({ glyph: ' ', text: `in ${t.process.role} pid ${t.process.pid}`, user: false, note: true });
  if (t.internalOnly) {
    out.push({ glyph: ' ', text: `reached only through the runtime's internals (${t.internalOnly.via})`, user: false, note: true });
    for (const a of t.internalOnly.allocatedAt) out.push({ glyph: ' ', text: `made by ${a}`, user: true, note: true });
  }
  t.references.forEach((r, i) => out.push({ glyph: i === 0 ? '┬' : '├─', text: referenceLine(r), user: r.user }));
  out.push({ glyph: t.references.length === 0 ? '•' : '╰→', text: t.leaking, user: false });
  for (const a of t.addedAt ?? []) out.push({ glyph: ' ', text: `added to at ${a}`, user: true, note: true });
  for (const m of t.madeAt ?? []) out.push({ glyph: ' ', text: `made at ${m}`, user: true, note: true });
  return out;
}

/** What a holder keeps, in a line: 'Buffer +1.0/step, ArrayBuffer +1.0/step, …'. */
export function holdsLine(s: Suspect, max = 4): string | null {
  const held = s.holds ?? [];
  if (held.length === 0) return null;
  const parts = held.slice(0, max).map((h) => `${h.name} +${h.perIteration.toFixed(1)}/step`);
  return `holds ${parts.join(', ')}${held.length > max ? `, and ${held.length - max} more` : ''}`;
}

/** A suspect with no location says why, in place of its path. */
export function noWhereLine(why: string): string {
  return `no location: ${plainText(why)}`;
}

/** The suspect's headline: name, growth per step, and what it retains. */
export function suspectHeadline(s: Suspect): string {
  const retained = s.kind === 'holder' ? `, retaining ${formatSigned(s.bytesDelta, 'B')}` : s.bytesDelta !== 0 ? `, ${formatSigned(s.bytesDelta, 'B')}` : '';
  return `${s.name} ${formatSigned(s.countDelta, '')} (${+s.perIteration.toFixed(2)}/step${retained})`;
}

/**
 * Lines of a suspect for the terminal and messages, escaped (what the target named is quoted, never
 * raw): its trace when it has one, else the tail of its path; then what it holds. `mark` dresses the
 * developer's own names.
 */
export function suspectTextLines(s: Suspect, mark: (t: string) => string = (t) => `${t}  ◀ yours`, tail = 3): string[] {
  const lines: string[] = [];
  if (s.trace) {
    for (const l of traceLines(s.trace)) lines.push(`${l.glyph} ${l.user && !l.note ? mark(plainText(l.text)) : plainText(l.text)}`);
  } else {
    const w = s.where.slice(-tail).map(plainText);
    if (w.length > 0) lines.push(`${s.where.length > tail ? '… ' : ''}${w.join(' > ')}`);
    else if (s.noWhere) lines.push(noWhereLine(s.noWhere));
  }
  const held = holdsLine(s);
  if (held) lines.push(plainText(held));
  return lines;
}
