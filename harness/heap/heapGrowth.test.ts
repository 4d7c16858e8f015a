import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { heapGrowth } from './heapGrowth.ts';
import { snapshotHistogram } from './snapshotHistogram.ts';
import { traceWhere } from '../analysis/leakTraceText.ts';

// A module with known growth between two snapshots: Buffers pushed to a module array, records set
// in a class's static Map, a listener per order on an emitter closing over the order, and timers
// whose callbacks keep a snapshot (reached only through Node's timer lists).
const TARGET = `
import v8 from 'node:v8';
import { EventEmitter } from 'node:events';
const kept = [];
class OrderService { static _cache = new Map(); }
class Order { constructor(i) { this.i = i; } }
const prices = new EventEmitter();
prices.setMaxListeners(0);
function step(i) {
  kept.push(Buffer.alloc(16 * 1024, i));
  OrderService._cache.set(i, { i, note: 'x'.repeat(200) + i });
  const order = new Order(i);
  prices.on('price', function onPrice(p) { order.last = p; });
  const snapshot = Array.from({ length: 50 }, (_, k) => 'file-' + i + '-' + k);
  setInterval(() => snapshot.length, 60_000).unref();
}
for (let i = 0; i < 3; i++) step(i);
v8.writeHeapSnapshot(process.argv[2]);
for (let i = 3; i < 23; i++) step(i);
v8.writeHeapSnapshot(process.argv[3]);
`;

const dir = mkdtempSync(path.join(tmpdir(), 'seep-heapgrowth-'));
const script = path.join(dir, 'orders.mjs');
const before = path.join(dir, 'before.heapsnapshot');
const after = path.join(dir, 'after.heapsnapshot');
writeFileSync(script, TARGET);
execFileSync(process.execPath, [script, before, after], { timeout: 30_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const wanted = [
  { type: 'object', name: 'Buffer' },
  { type: 'native', name: 'system / JSArrayBufferData' },
  { type: 'object', name: 'Order' },
  { type: 'closure', name: 'onPrice' },
  { type: 'object', name: 'Timeout' },
];

describe('heapGrowth', () => {
  it('names each holder by the first name the developer wrote, with what it holds and retains', async () => {
    const { maxObjectId } = await snapshotHistogram(before);
    const g = await heapGrowth(after, { newerThan: maxObjectId, wanted });
    const kept = g.holders.find((h) => h.name === 'orders.mjs: kept')!;
    expect(kept, JSON.stringify(g.holders.map((h) => h.name))).toBeDefined();
    expect(kept.trace.references[0]).toMatchObject({ kind: 'module-variable', owner: 'orders.mjs', name: 'kept', user: true, site: 'orders.mjs:4' });
    expect(kept.holds.map((h) => h.name)).toEqual(expect.arrayContaining(['Buffer', 'system / JSArrayBufferData']));
    // the Buffers' backing stores are theirs: 20 x 16 KiB retained by the array
    expect(kept.bytes).toBeGreaterThan(20 * 16 * 1024);
    expect(kept.count).toBe(20);
    const prices = g.holders.find((h) => h.name === 'orders.mjs: prices')!;
    expect(prices.holds.map((h) => h.name)).toEqual(expect.arrayContaining(['Order', 'onPrice()']));
    expect(traceWhere(g.traces['object:Order']!).join(' > ')).toMatch(/^orders\.mjs:7: prices > EventEmitter\._events > Object\.price > Array\[\d+\] > onPrice\(\) at orders\.mjs:\d+ context: order > Order$/);
  });

  it('never starts a path at a stack or handle-scope root; growth held only by the runtime names where it was made', async () => {
    const { maxObjectId } = await snapshotHistogram(before);
    const g = await heapGrowth(after, { newerThan: maxObjectId, wanted });
    for (const t of [...Object.values(g.traces), ...g.holders.map((h) => h.trace)]) {
      expect(traceWhere(t)[0]).not.toMatch(/Stack roots|Handle scope|GC roots/);
    }
    const timeout = g.traces['object:Timeout']!;
    expect(timeout.internalOnly?.via).toMatch(/TimersList/);
    expect(timeout.internalOnly?.allocatedAt).toEqual([expect.stringMatching(/^\(anonymous\)\(\) at orders\.mjs:15$/)]);
  });

  it('finds nothing new when the snapshot is compared with itself', async () => {
    const { maxObjectId } = await snapshotHistogram(after);
    const g = await heapGrowth(after, { newerThan: maxObjectId, wanted });
    expect(g.holders).toEqual([]);
    expect(g.traces).toEqual({});
  });
});
