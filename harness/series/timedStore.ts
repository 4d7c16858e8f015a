// Timed samples in preallocated typed arrays, merged pairwise in place (the later timestamp, each
// metric's peak) when full. A week at 1 Hz passes 600,000 samples through here: kept as JS arrays,
// every value would be a fresh heap number that survives a collection, and V8 answers a stream of
// survivors by growing its young generation to the maximum (+50 MB of seep RSS in the soakPipeline
// bench). Typed arrays allocate nothing per sample. null is stored as NaN.
import { METRICS, type Metric, type Phase, type Sample, type TcpState } from '../report/sampleSchema.ts';
import type { SeriesColumns } from '../report/runReportSchema.ts';
import { emptyColumns } from './seriesColumns.ts';

const PHASES: Phase[] = ['warmup', 'measured', 'settle'];

export interface TimedStore {
  push(s: Sample): void;
  /** points held now */
  length(): number;
  columns(): SeriesColumns;
}

export function createTimedStore(cap: number): TimedStore {
  let n = 0;
  const t = new Float64Array(cap);
  const iteration = new Float64Array(cap);
  const phase = new Uint8Array(cap);
  const values = METRICS.map(() => new Float64Array(cap));
  const tcp = new Map<TcpState, Float64Array>();

  const peak = (a: number, b: number) => (Number.isNaN(a) ? b : Number.isNaN(b) ? a : Math.max(a, b));
  function halve(): void {
    let out = 0;
    for (let i = 0; i < n; i += 2, out++) {
      const j = Math.min(i + 1, n - 1);
      t[out] = t[j]!;
      iteration[out] = iteration[j]!;
      phase[out] = phase[j]!;
      for (const col of values) col[out] = peak(col[i]!, col[j]!);
      for (const col of tcp.values()) col[out] = Math.max(col[i]!, col[j]!);
    }
    n = out;
  }

  return {
    push(s) {
      t[n] = s.t;
      iteration[n] = s.iteration ?? NaN;
      phase[n] = PHASES.indexOf(s.phase);
      METRICS.forEach((m, k) => (values[k]![n] = s.values[m] ?? NaN));
      for (const col of tcp.values()) col[n] = 0;
      for (const [state, count] of Object.entries(s.tcp) as [TcpState, number][]) {
        let col = tcp.get(state);
        if (!col) tcp.set(state, (col = new Float64Array(cap))); // zeros before it was first seen
        col[n] = count;
      }
      n++;
      if (n >= cap) halve();
    },
    length: () => n,
    columns() {
      const cols = emptyColumns();
      const orNull = (v: number) => (Number.isNaN(v) ? null : v);
      cols.t = Array.from(t.subarray(0, n));
      cols.iteration = Array.from(iteration.subarray(0, n), orNull);
      cols.phase = Array.from(phase.subarray(0, n), (p) => PHASES[p]!);
      METRICS.forEach((m: Metric, k) => (cols.values[m] = Array.from(values[k]!.subarray(0, n), orNull)));
      for (const [state, col] of tcp) cols.tcp[state] = Array.from(col.subarray(0, n));
      return cols;
    },
  };
}
