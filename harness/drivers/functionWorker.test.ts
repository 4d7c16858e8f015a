import { tempDir } from '../../fixtures/testing/tempDir.ts';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFunctionWorker, type FunctionWorker } from './functionWorker.ts';
import { histogramKey, snapshotHistogram } from '../heap/snapshotHistogram.ts';
import { TargetError } from '../channel/jsonLinesChannel.ts';

const env: Record<string, string> = { ...(process.env as Record<string, string>), SEEP_RUN_COOKIE: 'cookie-worker-test' };
let root: string;
let output: string[] = [];
const onOutput = (stream: 'stdout' | 'stderr', chunk: Buffer) => output.push(`${stream}:${chunk.toString()}`);
const workers: FunctionWorker[] = [];
// output arrives on its own pipe, after the call that printed it has returned: wait for it, as long as it takes
const WAIT = { timeout: 30_000, interval: 20 };

const PY_MODULE = `
import asyncio, os, time
from helper import double   # a sibling module: the module's folder is importable

class BadInput(ValueError):
    pass

def add(a, b):
    return double(a) // 2 + b

def boom(text):
    raise BadInput(f"cannot parse {text!r}")

def talk():
    print("hello from the target")
    return "said it"

async def later(x):
    await asyncio.sleep(0.01)
    return {"x": x}

def odd():
    return {1, 2}

def nan():
    return float('nan')

def env():
    return [os.environ.get(k) for k in ("SEEP_RUN_COOKIE", "PYTHONWARNINGS", "MODULE_ENV")] + [os.getcwd()]

def drop_file():
    open(__file__)

def slow():
    print("slow started", flush=True)
    time.sleep(30)
`;

const JS_MODULE = `
export class BadInput extends Error { constructor(m) { super(m); this.name = 'BadInput'; } }
export function add(a, b) { return a + b; }
export function boom(text) { throw new BadInput('cannot parse ' + JSON.stringify(text)); }
export function talk() { console.log('hello from the target'); return 'said it'; }
export async function later(x) { await new Promise((r) => setTimeout(r, 10)); return { x }; }
export function cyclic() { const o = {}; o.self = o; return o; }
export function nothing() {}
export function slow() { console.log('slow started'); return new Promise((r) => setTimeout(r, 30000)); }
export const nested = { deep: { hi: (n) => 'hi ' + n } };
const kept = [];
export function keep(n) { kept.push(new Array(n).fill(n)); }
`;

beforeAll(() => {
  root = tempDir('seep-worker-');
  fs.mkdirSync(path.join(root, 'mods'));
  fs.writeFileSync(path.join(root, 'mods', 'target_mod.py'), PY_MODULE);
  fs.writeFileSync(path.join(root, 'mods', 'helper.py'), 'def double(n):\n    return n * 2\n');
  fs.writeFileSync(path.join(root, 'mods', 'broken.py'), 'import no_such_module_for_seep\n');
  fs.writeFileSync(path.join(root, 'mods', 'target.mjs'), JS_MODULE);
  fs.writeFileSync(path.join(root, 'mods', 'broken.mjs'), "console.log('init');\nthrow new RangeError('bad init');\n");
  fs.writeFileSync(path.join(root, 'mods', 'typed.ts'), 'export function shout(s: string): string {\n  return s.toUpperCase();\n}\n');
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.stop()));
  output = [];
});

async function start(modulePath: string, moduleEnv?: Record<string, string>): Promise<FunctionWorker> {
  const w = await startFunctionWorker({ path: modulePath, env: moduleEnv }, { repoRoot: root, env, onOutput });
  workers.push(w);
  return w;
}

function cmdline(pid: string): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return ''; // it exited while we looked
  }
}

function stdoutText(): string {
  return output.filter((l) => l.startsWith('stdout:')).join('');
}

describe.each([
  { runtime: 'python', file: 'mods/target_mod.py', errorType: 'target_mod.BadInput', frame: /File ".*target_mod\.py", line \d+, in boom/ },
  { runtime: 'node', file: 'mods/target.mjs', errorType: 'BadInput', frame: /at (Module\.)?boom \(.*target\.mjs:\d+/ },
])('$runtime function worker', ({ runtime, file, errorType, frame }) => {
  it('calls a function, awaits async results, collects garbage and answers ping', async () => {
    const w = await start(file);
    expect(w.runtime).toBe(runtime);
    expect(w.pid).not.toBe(process.pid);
    expect(await w.call('add', [2, 3])).toBe(5);
    expect(await w.call('later', [7])).toEqual({ x: 7 });
    await w.gc();
    expect(await w.request('ping')).toEqual({ pid: w.pid });
  });

  it('rejects a raising call with the type and traceback, and keeps serving', async () => {
    const w = await start(file);
    const err = await w.call('boom', ['x1']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TargetError);
    const te = err as TargetError;
    expect(te.type).toBe(errorType);
    expect(te.message).toBe(`boom() raised ${errorType}: cannot parse ${runtime === 'python' ? "'x1'" : '"x1"'}`);
    expect(te.traceback).toMatch(frame);
    expect(await w.call('add', [1, 1])).toBe(2);
    await expect(w.call('no_such_fn', [])).rejects.toThrow(/no_such_fn/);
    await expect(w.request('no-such-op')).rejects.toThrow(/unknown op/);
  });

  it('delivers the target print on stdout, not on the protocol channel', async () => {
    const w = await start(file);
    expect(await w.call('talk', [])).toBe('said it');
    await vi.waitUntil(() => stdoutText().includes('hello from the target'), WAIT);
    expect(stdoutText()).toContain('hello from the target');
    expect(stdoutText()).not.toContain('"ok"');
  });

  it('rejects the pending call with the exit status when the worker is killed mid-call', async () => {
    const w = await start(file);
    const pending = w.call('slow', []);
    await vi.waitUntil(() => stdoutText().includes('slow started'), WAIT);
    process.kill(w.pid, 'SIGKILL');
    await expect(pending).rejects.toThrow(/was killed by SIGKILL while slow\(\)/);
    await expect(w.call('add', [1, 2])).rejects.toThrow(/SIGKILL/);
    expect(await w.exited).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('times out a call that does not return, without killing the worker', async () => {
    const w = await start(file);
    await expect(w.call('slow', [], 200)).rejects.toThrow('slow() did not return within 200 ms');
    expect(() => process.kill(w.pid, 0)).not.toThrow();
    // the Node worker serves concurrently; the Python one is still inside slow() and cannot answer
    if (runtime === 'node') expect(await w.call('add', [2, 2])).toBe(4);
  });
});

describe('python function worker specifics', () => {
  it('runs with cwd at the repo root, the env, and unserialisable results as repr', async () => {
    const w = await start('mods/target_mod.py', { MODULE_ENV: 'm' });
    expect(await w.call('env', [])).toEqual(['cookie-worker-test', 'default', 'm', fs.realpathSync(root)]);
    expect(await w.call('odd', [])).toBe('{1, 2}');
    expect(await w.call('nan', [])).toBe('nan');
  });

  it('lets ResourceWarnings through to stderr', async () => {
    const w = await start('mods/target_mod.py');
    await w.call('drop_file', []);
    await w.gc();
    await vi.waitUntil(() => output.join('').includes('ResourceWarning'), WAIT);
    expect(output.filter((l) => l.startsWith('stderr:')).join('')).toMatch(/ResourceWarning: unclosed file .*target_mod\.py/);
  });

  it('rejects a module that fails to import with the error, and leaves no worker', async () => {
    const err = await startFunctionWorker({ path: 'mods/broken.py' }, { repoRoot: root, env, onOutput }).catch((e: unknown) => e);
    expect(String(err)).toMatch(/ModuleNotFoundError: No module named 'no_such_module_for_seep'/);
    const left = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d) && cmdline(d).includes('broken.py'));
    expect(left).toEqual([]);
  });
});

describe('node function worker specifics', () => {
  it('loads TypeScript through tsx, finds nested exports and stringifies cyclic results', async () => {
    const ts = await start('mods/typed.ts');
    expect(await ts.call('shout', ['hey'])).toBe('HEY');
    const js = await start('mods/target.mjs');
    expect(await js.call('nested.deep.hi', [3])).toBe('hi 3');
    expect(await js.call('cyclic', [])).toBe('[object Object]');
    expect(await js.call('nothing', [])).toBeNull();
  });

  it("makes every script's line-end table at the forced GCs before the baseline's read, so no allocation-site read adds one", async () => {
    // V8 makes a script's table the first time a sampling profile names it, and keeps it in the heap
    const tables = async (name: string): Promise<number> => {
      const file = path.join(root, `${name}-${Date.now()}.heapsnapshot`);
      await w.request('snapshot', { path: file });
      const count = (await snapshotHistogram(file)).entries.get(histogramKey('code', '(script line ends)'))?.count ?? 0;
      fs.rmSync(file);
      return count;
    };
    const w = await start('mods/target.mjs');
    await w.gc();
    for (let i = 0; i < 3; i++) await w.call('keep', [500]);
    // a warmup boundary: a GC, the heap read, the sites' baseline; then the last warmup boundary's GC
    await w.gc();
    await w.request('allocationSites', { action: 'baseline' });
    await w.gc();
    const atBaseline = await tables('baseline');
    for (let i = 0; i < 5; i++) {
      await w.call('keep', [500]);
      await w.gc();
      const read = (await w.request('allocationSites', { action: 'read' })) as { sites: Record<string, number> };
      if (i === 4) expect(Object.keys(read.sites).some((site) => site.includes('target.mjs')), JSON.stringify(read.sites)).toBe(true);
    }
    expect(await tables('measured')).toBe(atBaseline);
    // not vacuous: the baseline's heap holds the tables (of target.mjs, the worker, Node's own scripts)
    expect(atBaseline).toBeGreaterThan(0);
  });

  it('rejects a module that throws while loading, with the error', async () => {
    await expect(startFunctionWorker({ path: 'mods/broken.mjs' }, { repoRoot: root, env, onOutput })).rejects.toThrow(/RangeError: bad init/);
  });

  it('says when the module file is missing', async () => {
    await expect(startFunctionWorker({ path: 'mods/absent.mjs' }, { repoRoot: root, env, onOutput })).rejects.toThrow(/module mods\/absent\.mjs not found/);
  });
});
