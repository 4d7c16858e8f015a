import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { retainerPaths } from './retainerPaths.ts';

// A target with known retention: an array under a global, listeners on an emitter, and a class
// whose only instance is a WeakMap key (held by nothing, so it has no path).
const TARGET = `
class Leaky { constructor(i) { this.i = i; } }
class Listener { constructor(i) { this.i = i; } }
class OnlyKey {}
globalThis.holder = { list: [new Leaky(1), new Leaky(2), new Leaky(3)] };
const { EventEmitter } = require('node:events');
globalThis.bus = new EventEmitter();
for (let i = 0; i < 3; i++) { const l = new Listener(i); bus.on('tick', function onTick() { return l.i; }); }
globalThis.weak = new WeakMap();
(function keyOnly() { weak.set(new OnlyKey(), { value: 1 }); })();
require('node:v8').writeHeapSnapshot(process.argv[1]);
`;

const dir = mkdtempSync(path.join(tmpdir(), 'seep-retainer-'));
const file = path.join(dir, 'target.heapsnapshot');
execFileSync(process.execPath, ['-e', TARGET, file], { timeout: 30_000 });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retainerPaths', () => {
  it('names the holder chain of the newest instance, outermost first', async () => {
    const paths = await retainerPaths(file, [
      { type: 'object', name: 'Leaky' },
      { type: 'object', name: 'Listener' },
      { type: 'closure', name: 'onTick' },
    ]);
    // which of the three is newest is V8's id order, not push order
    expect(paths['object:Leaky']).toEqual(['(root).2', 'global.holder', 'Object.list', expect.stringMatching(/^Array\[[0-2]\]$/), 'Leaky']);
    const listener = paths['object:Listener']!.join(' ');
    expect(listener).toMatch(/^\(root\)\.2 global\.bus EventEmitter\._events Object\.tick .*onTick\(\)\.context .*Listener$/);
    expect(paths['closure:onTick']!.at(-1)).toBe('onTick()');
  });

  it('leaves out a constructor with no strongly held instance', async () => {
    const paths = await retainerPaths(file, [
      { type: 'object', name: 'OnlyKey' },
      { type: 'object', name: 'NoSuchClass' },
    ]);
    expect(paths).toEqual({});
  });

  it('rejects a file that is not a heap snapshot, saying why', async () => {
    await expect(retainerPaths(path.join(import.meta.dirname, 'retainerPaths.ts'), [])).rejects.toThrow(/not a V8 heap snapshot/);
  });
});
