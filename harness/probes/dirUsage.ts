// What a folder holds: its bytes (the files' sizes) and its entries (files, folders, links, at any
// depth), walked without following links, and a listing of its top entries for naming what was left.
import { lstatSync, readdirSync, statfsSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { errorCode, isVanished } from './procfs.ts';

export interface DirUsage {
  bytes: number;
  entries: number;
  /** the walk stopped at maxEntries */
  truncated: boolean;
  /** a folder that could not be read (not one removed during the walk) */
  error?: string;
}

/** Walks `dir`; a missing folder holds nothing. `skip` leaves files out (a log the scenario allows). */
export function dirUsage(dir: string, opts: { maxEntries?: number; skip?: (file: string) => boolean } = {}): DirUsage {
  const maxEntries = opts.maxEntries ?? 100_000;
  const out: DirUsage = { bytes: 0, entries: 0, truncated: false };
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop()!;
    let names: Dirent[];
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      // a folder removed during the walk held nothing by the time it was read
      if (!isVanished(err)) out.error ??= `cannot read ${d}: ${errorCode(err)}`;
      continue;
    }
    for (const e of names) {
      if (out.entries >= maxEntries) {
        out.truncated = true;
        return out;
      }
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (opts.skip?.(p)) continue;
      else if (e.isFile()) out.bytes += lstatSync(p, { throwIfNoEntry: false })?.size ?? 0;
      out.entries++;
    }
  }
  return out;
}

/** The entries directly in `dir`, each with what it holds: what a temp dir had left in it. */
export function topEntries(dir: string): { name: string; kind: 'file' | 'folder' | 'other'; bytes: number; entries: number }[] {
  let names: Dirent[];
  try {
    names = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if (isVanished(err)) return [];
    throw err;
  }
  return names.map((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const u = dirUsage(p);
      return { name: e.name, kind: 'folder' as const, bytes: u.bytes, entries: u.entries };
    }
    return { name: e.name, kind: e.isFile() ? 'file' as const : 'other' as const, bytes: lstatSync(p, { throwIfNoEntry: false })?.size ?? 0, entries: 0 };
  });
}

/** Free bytes (for an unprivileged user) on the file system holding `p`, or null when it cannot be read. */
export function freeBytes(p: string): number | null {
  try {
    const s = statfsSync(p);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}

/** A file's size, or what a folder holds; null when nothing is there. */
export function pathUsage(p: string): { bytes: number; entries: number | null } | null {
  const st = lstatSync(p, { throwIfNoEntry: false });
  if (!st) return null;
  if (!st.isDirectory()) return { bytes: st.size, entries: null };
  const u = dirUsage(p);
  return { bytes: u.bytes, entries: u.entries };
}
