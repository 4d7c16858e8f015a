// Every target seep starts gets a temp dir of its own, named to it by TMPDIR, TEMP and TMP (Python's
// tempfile, Node's os.tmpdir(), mktemp and most tools honour one of them), so that what it leaves
// there is its own: read at every boundary, listed once it has stopped, then removed.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Leftover } from '../report/runReportSchema.ts';
import { formatBytes } from '../scenario/units.ts';
import { topEntries } from '../probes/dirUsage.ts';

export interface TargetTempDir {
  readonly dir: string;
  readonly dev: number;
  /** TMPDIR, TEMP, TMP */
  readonly env: Record<string, string>;
  /** what is left in it, by path, then removes it; [] after the first call */
  close(): Leftover[];
}

/** Leftovers named at most: a CLI that leaves a folder per call leaves thousands over a soak. */
const MAX_LISTED = 50;

/** In seep's own temp dir, short: a target's unix sockets under it must fit in 107 bytes. */
export function openTargetTempDir(cookie: string, base = os.tmpdir()): TargetTempDir {
  const dir = mkdtempSync(path.join(base, `seep-t${cookie.slice(-6)}-`));
  const dev = statSync(dir).dev;
  let closed = false;
  return {
    dir,
    dev,
    env: { TMPDIR: dir, TEMP: dir, TMP: dir },
    close() {
      if (closed) return [];
      closed = true;
      const top = topEntries(dir).sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
      const left: Leftover[] = top.slice(0, MAX_LISTED).map((e) => ({
        kind: 'file',
        id: path.join(dir, e.name),
        detail: e.kind === 'folder' ? `folder, ${formatBytes(e.bytes)} in ${e.entries} entr${e.entries === 1 ? 'y' : 'ies'}` : `${e.kind === 'file' ? 'file' : 'link or special file'}, ${formatBytes(e.bytes)}`,
      }));
      if (top.length > MAX_LISTED) left.push({ kind: 'file', id: dir, detail: `and ${top.length - MAX_LISTED} more entries` });
      rmSync(dir, { recursive: true, force: true });
      return left;
    },
  };
}
