// The disk collector against real files: this process stands for the target's tree (its fds are
// read from /proc), a temp folder for its working directory.
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, type Sample } from '../report/sampleSchema.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import type { DiskLine, TempLeftLine } from '../series/sampleStream.ts';
import { diskCollector, folderOf } from './diskCollector.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

function sample(iteration: number): Sample {
  const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Sample['values'];
  return { t: iteration * 100, iteration, phase: 'measured', values, tcp: {}, pids: [process.pid] };
}

describe('folderOf', () => {
  it('counts an entry in the parent of the highest folder the run created above it', () => {
    const created = new Set(['/w/cache', '/w/cache/ab']);
    expect(folderOf('/w/cache/ab/x.png', created)).toEqual({ folder: '/w', top: '/w/cache' });
    expect(folderOf('/w/logs/a.log', created)).toEqual({ folder: '/w/logs', top: '/w/logs/a.log' });
  });
});

describe('diskCollector', () => {
  it('follows a temp dir, files held open for writing, and files and folders created in the working directory', async () => {
    const work = tempDir('seep-diskcol-');
    mkdirSync(path.join(work, 'data'));
    const lines: (DiskLine | TempLeftLine)[] = [];
    const disk = diskCollector(
      { target: { kind: 'service', command: ['x'], ready: { tcp: true }, env: {}, cwd: work, restart: false }, budgets: planBudgets({ disk: { allow: ['*.log'] } }) },
      { repoRoot: work, cookie: 'seep-test-cookie.123', skip: [], emit: (l) => lines.push(l), now: () => 0 },
    );
    const env = disk.beforeStart!();
    const tmp = env.TMPDIR!;
    expect(env).toEqual({ TMPDIR: tmp, TEMP: tmp, TMP: tmp });
    const fd = openSync(path.join(work, 'data', 'history.db'), 'a');
    try {
      writeSync(fd, 'x'.repeat(100));
      mkdirSync(path.join(work, 'cache'));
      for (const n of ['a', 'b', 'c']) writeFileSync(path.join(work, 'cache', n), 'y'.repeat(10));
      writeFileSync(path.join(work, 'data', 'app.log'), 'z'.repeat(7));
      writeFileSync(path.join(tmp, 'left.bin'), 'w'.repeat(50));
      const s1 = sample(1);
      await disk.atBoundary!(s1);
      expect(s1.values).toMatchObject({ tmpBytes: 50, tmpEntries: 1, diskBytes: 130 }); // the allowed log left out
      const l1 = lines.at(-1) as DiskLine;
      expect(l1.f).toEqual({ 'data/history.db': 100 });
      // the folder the run created, named by itself: its three files (the data folder gained one file, not followed)
      expect(l1.d).toEqual({ cache: [30, 3] });
      expect(l1.n).toMatchObject({ 'data/history.db': { how: 'open for writing' }, cache: { how: 'folder' } });
      expect(l1.tmp?.dir).toBe(tmp);
      // closed, then appended to by another open: still followed, by its path
      closeSync(fd);
      appendFileSync(path.join(work, 'data', 'history.db'), 'x'.repeat(20));
      appendFileSync(path.join(work, 'data', 'app.log'), 'z'); // created, then grew: followed, shown as allowed
      const s2 = sample(2);
      await disk.atBoundary!(s2);
      const l2 = lines.at(-1) as DiskLine;
      expect(l2.f).toEqual({ 'data/history.db': 120, 'data/app.log': 8 });
      expect(l2.n).toMatchObject({ 'data/app.log': { how: 'created', allowed: true } });
      expect(s2.values.diskBytes).toBe(150);
    } finally {
      try {
        closeSync(fd);
      } catch {
        // closed above
      }
      disk.afterStop!();
    }
    const left = lines.at(-1) as TempLeftLine;
    expect(left.k).toBe('tempLeft');
    expect(left.left).toEqual([{ kind: 'file', id: path.join(tmp, 'left.bin'), detail: 'file, 50 B' }]);
    expect(existsSync(tmp)).toBe(false);
    expect((await disk.afterRun!(2)).errors).toEqual([]);
  });
});
