// The heap per process of a pre-fork server (master and workers), as words every reporter draws
// the same way: one row per process, each figure the agent gave as "at the baseline → at the end".
import type { ProcessHeap, ScenarioReport } from '../report/runReportSchema.ts';
import { formatValue } from './formatValue.ts';

export interface ProcessHeapRow {
  pid: number;
  role: ProcessHeap['role'];
  /** "used 22.9 MB → 24.2 MB · blocks 180,372 → 180,468" */
  figures: string;
  /** why a side is missing: it started after the baseline, or ended before the end */
  note: string;
}

// the agent's byte figures; the others (blocks, object and handle counts) are counts
const BYTES = new Set(['used', 'committed', 'mallocInUse', 'traced']);
const isBytes = (field: string) => BYTES.has(field) || /bytes$/i.test(field);
// 'used' is mallocInUse or traced already: shown once
const SAME_AS_USED = new Set(['mallocInUse', 'traced']);

function side(v: number | null | undefined, field: string): string {
  return v === null || v === undefined ? '—' : formatValue(v, isBytes(field) ? 'B' : '');
}

export function processHeapRows(s: ScenarioReport): ProcessHeapRow[] {
  return (s.processHeaps ?? []).map((p) => {
    const fields = Object.keys(p.end).filter((f) => !SAME_AS_USED.has(f) && (p.end[f] !== null || (p.baseline?.[f] ?? null) !== null));
    const figures = fields.map((f) => `${f} ${side(p.baseline?.[f], f)} → ${side(p.end[f], f)}`).join(' · ');
    const notes = [p.baseline === null ? 'started after the baseline' : null, p.atEnd ? null : 'ended before the end (its last read)'];
    return { pid: p.pid, role: p.role, figures: figures || 'no heap figures', note: notes.filter((n) => n !== null).join('; ') };
  });
}
