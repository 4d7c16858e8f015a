// Builds a fake /proc tree in a temp dir for parser tests: only the files a test writes exist.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface FakeProc {
  root: string;
  file(rel: string, text: string): void;
  link(rel: string, target: string): void;
  /** a /proc/PID/stat line with the fields the probes read; the rest are zeros */
  stat(pid: number, opts: { comm?: string; state?: string; ppid: number; pgrp?: number; utime?: number; stime?: number; threads?: number; starttime?: number; rssPages?: number }): void;
  remove(): void;
}

export function createFakeProc(): FakeProc {
  const root = mkdtempSync(path.join(os.tmpdir(), 'seep-fakeproc-'));
  const file = (rel: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  return {
    root,
    file,
    link(rel, target) {
      mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      symlinkSync(target, path.join(root, rel));
    },
    stat(pid, o) {
      // fields 3..52 of proc(5); index i holds field i + 3
      const f: (string | number)[] = new Array(50).fill(0);
      f[0] = o.state ?? 'S';
      f[1] = o.ppid;
      f[2] = o.pgrp ?? pid;
      f[11] = o.utime ?? 0;
      f[12] = o.stime ?? 0;
      f[17] = o.threads ?? 1;
      f[19] = o.starttime ?? 1000 + pid;
      f[21] = o.rssPages ?? 100;
      file(`${pid}/stat`, `${pid} (${o.comm ?? `p${pid}`}) ${f.join(' ')}\n`);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
