import { describe, expect, it } from 'vitest';
import type { DiskLine } from '../series/sampleStream.ts';
import { createDiskRows, MAX_PATHS } from './diskRows.ts';

const line = (i: number, p: DiskLine['p'], f: Record<string, number>, extra: Partial<DiskLine> = {}): DiskLine => ({ k: 'disk', t: i * 10, i, p, f, d: {}, ...extra });

describe('createDiskRows', () => {
  it('starts again at every warmup read, aligns a path that appears late, and keeps how it was found', () => {
    const rows = createDiskRows();
    rows.add(line(1, 'w', { 'old.log': 1 }, { n: { 'old.log': { how: 'open for writing', dev: 7 } }, fs: { '7': 500 }, tmp: { dir: '/tmp/t', dev: 7 }, wd: ['.'] }));
    rows.add(line(2, 'w', {}));
    rows.add(line(3, 'm', { 'a.db': 10 }, { n: { 'a.db': { how: 'created', dev: 7, allowed: true } } }));
    rows.add(line(4, 'm', { 'a.db': 20 }, { d: { cache: [4096, 1] }, n: { cache: { how: 'folder', dev: 7 } }, fs: { '7': 400 } }));
    rows.tempLeft({ k: 'tempLeft', t: 50, left: [{ kind: 'file', id: '/tmp/t/x', detail: 'file, 1 B' }] });
    const s = rows.build()!;
    expect(s.iteration).toEqual([2, 3, 4]);
    expect(s.phase).toEqual(['warmup', 'measured', 'measured']);
    expect(s.paths).toEqual([
      { path: 'a.db', kind: 'file', how: 'created', bytes: [null, 10, 20], free: 400, allowed: true },
      { path: 'cache', kind: 'folder', how: 'folder', bytes: [null, null, 4096], entries: [null, null, 1], free: 400 },
    ]);
    expect(s).toMatchObject({ tempDir: '/tmp/t', tempFree: 400, workingDirs: ['.'], tempLeft: [{ id: '/tmp/t/x' }] });
  });

  it('stays bounded: at most MAX_PATHS paths, and past maxRows every other measured read, the settle kept', () => {
    const rows = createDiskRows({ maxRows: 16 });
    rows.add(line(0, 'w', {}));
    for (let i = 1; i <= 40; i++) rows.add(line(i, 'm', Object.fromEntries([[`f${i}`, i], ['log', i]])));
    rows.add(line(41, 's', { log: 40 }));
    const s = rows.build()!;
    expect(s.paths.length).toBe(MAX_PATHS);
    expect(s.iteration.length).toBeLessThanOrEqual(17);
    expect(s.phase.at(-1)).toBe('settle');
    const log = s.paths.find((p) => p.path === 'log')!;
    expect(log.bytes.length).toBe(s.iteration.length);
    expect(log.bytes.at(-1)).toBe(40);
  });
});
