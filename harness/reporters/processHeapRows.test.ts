import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import type { ProcessHeap, Report } from '../report/runReportSchema.ts';
import { processHeapRows } from './processHeapRows.ts';
import { renderMarkdown } from './markdownReporter.ts';
import { processHeapsTable } from './html/soakTables.ts';
import { soakLines } from './terminal/soakLines.ts';
import { makeStyle } from './terminal/style.ts';

const HEAPS: ProcessHeap[] = [
  { pid: 100, role: 'root', baseline: { used: 15_600_000, committed: null, blocks: 125_376 }, end: { used: 15_600_002, committed: null, blocks: 125_376 }, atEnd: true },
  { pid: 101, role: 'worker', baseline: { used: 23_100_000, committed: null, blocks: 180_372 }, end: { used: 24_200_000, committed: null, blocks: 180_468 }, atEnd: false },
  { pid: 102, role: 'worker', baseline: null, end: { used: 22_900_000, committed: null, blocks: 180_400 }, atEnd: true },
];

function withHeaps(): Report {
  const report = syntheticReport({ verdicts: ['pass'] });
  report.scenarios[0]!.processHeaps = HEAPS;
  return report;
}

describe('the heap per process, drawn', () => {
  it('one row per process: figures the runtime gave as baseline → end, bytes as bytes, counts as counts, and why a side is missing', () => {
    const rows = processHeapRows(withHeaps().scenarios[0]!);
    expect(rows.map((r) => [r.pid, r.role])).toEqual([[100, 'root'], [101, 'worker'], [102, 'worker']]);
    expect(rows[1]!.figures).toBe('used 23.1 MB → 24.2 MB · blocks 180,372 → 180,468');
    expect(rows[1]!.note).toBe('ended before the end (its last read)');
    expect(rows[2]!.figures).toMatch(/^used — → 22\.9 MB/);
    expect(rows[2]!.note).toBe('started after the baseline');
  });

  it('in the terminal, the Markdown summary and the HTML page; nothing when the report has none', () => {
    const report = withHeaps();
    const s = report.scenarios[0]!;
    expect(soakLines(s, makeStyle(false)).join('\n')).toMatch(/heap per process[\s\S]*pid 101 worker: used 23\.1 MB → 24\.2 MB/);
    expect(renderMarkdown(report)).toMatch(/heap per process \(baseline → end\)\n\n- pid 100 root: used 15\.6 MB → 15\.6 MB/);
    expect(processHeapsTable(s)).toContain('<tr data-pid="101" data-role="worker">');
    const plain = syntheticReport({ verdicts: ['pass'] });
    expect(processHeapsTable(plain.scenarios[0]!)).toBe('');
    expect(renderMarkdown(plain)).not.toMatch(/heap per process/);
  });
});
