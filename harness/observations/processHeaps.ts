// The runtime heap per process of the tree, from the 'heaps' events of the boundaries: each
// process's figures at the baseline (the last warmup boundary) and at the last boundary it was read
// at. A worker that is recycled keeps its row (it did not reach the end); its replacement gets one
// with no baseline. Bounded: the processes of the last boundary plus the last `maxGone` that left.
import type { Phase } from '../report/sampleSchema.ts';
import type { ProcessHeap } from '../report/runReportSchema.ts';
import type { ProcessHeapRead } from '../series/sampleStream.ts';

export interface ProcessHeaps {
  observe(phase: Phase, procs: readonly ProcessHeapRead[]): void;
  /** by pid, the root first */
  list(): ProcessHeap[];
  /** processes read after the baseline that were not read at it, and processes read at it that were gone by the end */
  changes(): { started: number; gone: number };
}

export function createProcessHeaps(opts: { maxGone?: number } = {}): ProcessHeaps {
  const maxGone = opts.maxGone ?? 50;
  const current = new Map<number, ProcessHeap>();
  const gone: ProcessHeap[] = [];
  let baselineSeen = false;
  let startedAfter = 0;
  let lostFromBaseline = 0;
  return {
    observe(phase, procs) {
      const present = new Set(procs.map((p) => p.pid));
      for (const [pid, row] of current) {
        if (present.has(pid)) continue;
        current.delete(pid);
        row.atEnd = false;
        // gone before the baseline was taken: it is not in the baseline
        if (phase === 'warmup') row.baseline = null;
        else if (row.baseline !== null) lostFromBaseline++;
        gone.push(row);
        if (gone.length > maxGone) gone.shift();
      }
      for (const p of procs) {
        let row = current.get(p.pid);
        if (!row) {
          row = { pid: p.pid, role: p.role, baseline: null, end: p.h, atEnd: true };
          current.set(p.pid, row);
          if (baselineSeen && phase !== 'warmup') startedAfter++;
        }
        row.role = p.role;
        row.end = p.h;
        if (phase === 'warmup') row.baseline = p.h;
      }
      if (phase === 'warmup') {
        baselineSeen = true;
        startedAfter = 0;
        lostFromBaseline = 0;
      }
    },
    list() {
      const rows = [...gone, ...current.values()];
      const rank = (r: ProcessHeap) => (r.role === 'root' ? 0 : 1);
      return rows.sort((a, b) => rank(a) - rank(b) || a.pid - b.pid).map((r) => ({ ...r }));
    },
    changes: () => ({ started: startedAfter, gone: lostFromBaseline }),
  };
}
