import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getFullHeapFromFile } from '@memlab/heap-analysis';
import { snapshotHistogram, histogramKey, SnapshotFormatError } from './snapshotHistogram.ts';
import { diffHistograms } from './diffHistograms.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'seep-heap-'));
const writer = path.join(import.meta.dirname, '../../fixtures/heap-snapshots/writeSnapshot.cjs');
function writeSnapshot(name: string, count: number): string {
  const file = path.join(dir, name);
  execFileSync(process.execPath, [writer, file, String(count)], { timeout: 30_000 });
  return file;
}
const small = writeSnapshot('a.heapsnapshot', 100);
const larger = writeSnapshot('b.heapsnapshot', 1100);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const VALUE_TYPES = new Set(['string', 'concatenated string', 'sliced string', 'number', 'symbol', 'bigint']);

describe('snapshotHistogram', () => {
  it('agrees with memlab on every (type, name) count and size of a real snapshot', async () => {
    const mine = await snapshotHistogram(small);
    const heap = await getFullHeapFromFile(small);
    const theirs = new Map<string, { count: number; size: number }>();
    let nodes = 0;
    heap.nodes.forEach((node) => {
      nodes++;
      // memlab renames native nodes it judges detached; the snapshot itself does not
      const name = VALUE_TYPES.has(node.type) ? `(${node.type})` : node.name.replace(/^Detached /, '');
      const key = histogramKey(node.type, name);
      const e = theirs.get(key) ?? { count: 0, size: 0 };
      e.count++;
      e.size += node.self_size;
      theirs.set(key, e);
    });
    expect(mine.nodeCount).toBe(nodes);
    expect(mine.entries.size).toBe(theirs.size);
    for (const [key, e] of theirs) {
      const m = mine.entries.get(key);
      expect(m, key).toBeDefined();
      expect([key, m!.count, m!.selfSize]).toEqual([key, e.count, e.size]);
    }
    expect(mine.entries.get(histogramKey('object', 'Foo'))?.count).toBe(100);
    expect(mine.entries.get(histogramKey('object', 'Ünïcødé'))?.count).toBe(100);
  });

  it('gives the same answer whatever the chunk boundaries', async () => {
    const big = await snapshotHistogram(small);
    const tiny = await snapshotHistogram(small, { chunkBytes: 1009 });
    expect([...tiny.entries.entries()].sort()).toEqual([...big.entries.entries()].sort());
  });

  it('diffs two snapshots: the class that grew comes first with its exact count', async () => {
    const d = diffHistograms(await snapshotHistogram(small), await snapshotHistogram(larger));
    const foo = d.find((x) => x.name === 'Foo' && x.type === 'object');
    expect(foo?.countDelta).toBe(1000);
    expect(foo?.bytesDelta).toBeGreaterThan(0);
    const topObjects = d.filter((x) => x.type === 'object').slice(0, 2).map((x) => x.name).sort();
    expect(topObjects).toEqual(['Foo', 'Ünïcødé']);
  });

  it('rejects a file that is not a snapshot', async () => {
    const bad = path.join(dir, 'bad.heapsnapshot');
    writeFileSync(bad, '{"hello": [1,2,3]}');
    await expect(snapshotHistogram(bad)).rejects.toThrow(SnapshotFormatError);
  });
});
