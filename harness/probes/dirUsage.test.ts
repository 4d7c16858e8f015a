import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dirUsage, freeBytes, topEntries } from './dirUsage.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';

describe('dirUsage', () => {
  it('sums the files and counts every entry at any depth', () => {
    const dir = tempDir('seep-usage-');
    writeFileSync(path.join(dir, 'a'), 'x'.repeat(10));
    mkdirSync(path.join(dir, 'tmpab12'));
    writeFileSync(path.join(dir, 'tmpab12', 'b'), 'x'.repeat(5));
    expect(dirUsage(dir)).toEqual({ bytes: 15, entries: 3, truncated: false });
    expect(dirUsage(path.join(dir, 'missing'))).toEqual({ bytes: 0, entries: 0, truncated: false });
    expect(dirUsage(dir, { maxEntries: 2 }).truncated).toBe(true);
    expect(dirUsage(dir, { skip: (f) => f.endsWith('/b') })).toEqual({ bytes: 10, entries: 2, truncated: false });
    expect(topEntries(dir).sort((x, y) => x.name.localeCompare(y.name))).toEqual([
      { name: 'a', kind: 'file', bytes: 10, entries: 0 },
      { name: 'tmpab12', kind: 'folder', bytes: 5, entries: 1 },
    ]);
    expect(freeBytes(dir)).toBeGreaterThan(0);
  });
});
