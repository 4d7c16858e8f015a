// A leak trace as the one-line-per-hop `where` of a suspect: what the leak.types message, the
// eval and older readers of the report read. The reporters draw the trace itself.
import type { LeakTrace, TraceReference } from '../report/runReportSchema.ts';

/** One reference as the developer would write it: 'server.mjs: kept', 'onPrice() context: quote', 'Array[5]', 'EventEmitter._events'. */
export function referenceText(r: TraceReference): string {
  switch (r.kind) {
    case 'module-variable':
      // Node names a module by its file ('server.mjs:12: kept'), Python by its dotted name, after its line as its tracebacks do
      return /\.(m?[jt]s|cjs)$/.test(r.owner) ? `${r.site ?? r.owner}: ${r.name}` : `${r.site ? `${r.site}  ` : ''}${r.owner}.${r.name}`;
    case 'closure-variable':
      return `${r.owner}${r.site ? ` at ${r.site}` : ''} context: ${r.name}`;
    case 'local':
      return `${r.site ? `${r.site} ` : ''}${r.owner} local ${r.name}`;
    case 'element':
      return `${r.owner}${r.name}`;
    case 'global':
      return `globalThis.${r.name}`;
    default:
      return `${r.owner}.${r.name}`;
  }
}

export function traceWhere(t: LeakTrace): string[] {
  const refs = t.references.map(referenceText);
  const made = [...(t.addedAt ?? []).map((a) => `added to at ${a}`), ...(t.madeAt ?? []).map((m) => `made at ${m}`)];
  if (!t.internalOnly) return [...refs, t.leaking, ...made];
  return [
    `reached only through the runtime's internals: ${t.internalOnly.via}`,
    ...t.internalOnly.allocatedAt.map((a) => `made by ${a}`),
    ...refs,
    t.leaking,
  ];
}
