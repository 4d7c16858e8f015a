// The paths on disk read at each boundary (runner/diskCollector.ts), as stream lines and back as
// the report's series, in bounded memory: at most MAX_PATHS paths (the collector follows no more),
// and past `maxRows` every other measured read is dropped, as the boundary series are thinned
// (series/seriesRecorder.ts). Every warmup read starts the rows again: the last is the baseline.
import type { Phase } from '../report/sampleSchema.ts';
import type { DiskPath, DiskSeries, Leftover } from '../report/runReportSchema.ts';
import { phaseOfCode, type DiskLine, type TempLeftLine } from '../series/sampleStream.ts';
import { everyOtherMeasured } from '../series/seriesRecorder.ts';

export const MAX_PATHS = 40;

export interface DiskRows {
  add(line: DiskLine): void;
  tempLeft(line: TempLeftLine): void;
  /** the series from the baseline on; undefined when no read was made */
  build(): DiskSeries | undefined;
}

interface Row {
  bytes: (number | null)[];
  entries?: (number | null)[];
}

export function createDiskRows(opts: { maxRows?: number } = {}): DiskRows {
  const maxRows = Math.max(16, opts.maxRows ?? 2000);
  const meta = new Map<string, { how: DiskPath['how']; dev: number; allowed?: true }>();
  const free = new Map<string, number>();
  let tmp: { dir: string; dev: number } | null = null;
  let left: Leftover[] | undefined;
  let workingDirs: string[] = [];
  let iteration: number[] = [];
  let phase: Phase[] = [];
  let rows = new Map<string, Row>();

  const thin = () => {
    const pick = everyOtherMeasured(phase);
    iteration = pick(iteration);
    phase = pick(phase);
    for (const r of rows.values()) {
      r.bytes = pick(r.bytes);
      if (r.entries) r.entries = pick(r.entries);
    }
  };

  const rowFor = (path: string, folder: boolean, at: number): Row | null => {
    let r = rows.get(path);
    if (r) return r;
    if (rows.size >= MAX_PATHS) return null;
    r = { bytes: Array<number | null>(at).fill(null) };
    if (folder) r.entries = Array<number | null>(at).fill(null);
    rows.set(path, r);
    return r;
  };

  return {
    add(line) {
      for (const [path, m] of Object.entries(line.n ?? {})) meta.set(path, m);
      for (const [dev, bytes] of Object.entries(line.fs ?? {})) free.set(dev, bytes);
      if (line.tmp) tmp = line.tmp;
      if (line.wd) workingDirs = line.wd;
      if (line.p === 'w') {
        iteration = [];
        phase = [];
        rows = new Map();
      } else if (iteration.length === 0) {
        return; // no baseline
      }
      const at = iteration.length;
      iteration.push(line.i);
      phase.push(phaseOfCode(line.p));
      for (const r of rows.values()) {
        r.bytes.push(null);
        r.entries?.push(null);
      }
      for (const [path, bytes] of Object.entries(line.f)) {
        const r = rowFor(path, false, at);
        if (r) r.bytes[at] = bytes;
      }
      for (const [path, [bytes, entries]] of Object.entries(line.d)) {
        const r = rowFor(path, true, at);
        if (!r) continue;
        r.bytes[at] = bytes;
        r.entries ??= Array<number | null>(at + 1).fill(null);
        r.entries[at] = entries;
      }
      if (iteration.length > maxRows) thin();
    },
    tempLeft(line) {
      left = line.left;
    },
    build() {
      if (iteration.length === 0 && !tmp) return undefined;
      const paths: DiskPath[] = [...rows].map(([path, r]) => {
        const m = meta.get(path);
        const p: DiskPath = { path, kind: r.entries ? 'folder' : 'file', how: m?.how ?? (r.entries ? 'folder' : 'created'), bytes: [...r.bytes] };
        if (r.entries) p.entries = [...r.entries];
        if (m) p.free = free.get(String(m.dev)) ?? null;
        if (m?.allowed) p.allowed = true;
        return p;
      });
      const out: DiskSeries = { iteration: [...iteration], phase: [...phase], paths, workingDirs: [...workingDirs] };
      if (tmp) {
        out.tempDir = tmp.dir;
        out.tempFree = free.get(String(tmp.dev)) ?? null;
      }
      if (left) out.tempLeft = left;
      return out;
    },
  };
}
