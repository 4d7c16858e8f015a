// The constructor histogram of one heap snapshot of about 203 MB (generated here), by seep's streaming
// reader, and the streaming diff of two snapshots, against memlab loading the same files. Each side
// runs in its own child process so peak RSS (VmHWM) is its own; both children pay the same tsx
// start-up, which is why an empty child is measured too (the floor). Target of issue #12: the
// histogram of the 203 MB file in <= 2 s and <= 200 MB peak RSS.
// memlab side: @memlab/core's getSnapshotFromFile (its parse, without the dominator pass that
// getFullHeapFromFile adds) then a count per (type, name): the least memlab needs to answer the
// same question, so the ratio is conservative.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { printTarget } from './benchTarget.ts';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const tsnode = path.join(path.dirname(self), '..', 'build', 'tsnode.mjs');

interface Measure {
  ms: number;
  hwmBytes: number;
  top: string;
}

function peakRss(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error('no VmHWM in /proc/self/status');
  return Number(m[1]) * 1024;
}

async function child(role: string, a: string, b: string): Promise<void> {
  const t0 = performance.now();
  let top = '';
  if (role === 'seep-one') {
    const { snapshotHistogram } = await import('../heap/snapshotHistogram.ts');
    const h = await snapshotHistogram(a);
    top = [...h.entries.values()].filter((x) => x.type === 'object').sort((x, y) => y.count - x.count).slice(0, 2).map((x) => `${x.name}=${x.count}`).join(' ');
  } else if (role === 'memlab-one') {
    const { utils, config } = await import('@memlab/core');
    config.muteConsole = true;
    const heap = await utils.getSnapshotFromFile(a, { buildNodeIdIndex: true });
    const m = new Map<string, number>();
    heap.nodes.forEach((n) => {
      if (n.type === 'object') m.set(n.name, (m.get(n.name) ?? 0) + 1);
    });
    top = [...m].sort((x, y) => y[1] - x[1]).slice(0, 2).map(([k, v]) => `${k}=${v}`).join(' ');
  } else if (role === 'seep') {
    const { snapshotHistogram } = await import('../heap/snapshotHistogram.ts');
    const { diffHistograms } = await import('../heap/diffHistograms.ts');
    const d = diffHistograms(await snapshotHistogram(a), await snapshotHistogram(b));
    top = d.filter((x) => x.type === 'object').slice(0, 2).map((x) => `${x.name}+${x.countDelta}`).join(' ');
  } else if (role === 'memlab') {
    const { utils, config } = await import('@memlab/core');
    config.muteConsole = true;
    const counts: Map<string, number>[] = [];
    for (const f of [a, b]) {
      const heap = await utils.getSnapshotFromFile(f, { buildNodeIdIndex: true });
      const m = new Map<string, number>();
      heap.nodes.forEach((n) => {
        if (n.type === 'object') m.set(n.name, (m.get(n.name) ?? 0) + 1);
      });
      counts.push(m);
    }
    const [ca, cb] = counts as [Map<string, number>, Map<string, number>];
    top = [...cb].map(([k, v]) => [k, v - (ca.get(k) ?? 0)] as const).sort((x, y) => y[1] - x[1]).slice(0, 2).map(([k, v]) => `${k}+${v}`).join(' ');
  }
  const out: Measure = { ms: performance.now() - t0, hwmBytes: peakRss(), top };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function measure(role: string, a: string, b: string, extraNodeArgs: string[] = []): Promise<Measure> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [...extraNodeArgs, tsnode, self, '--child', role, a, b], { timeout: 600_000, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(err);
      const line = stdout.trim().split('\n').pop() ?? '';
      resolve(JSON.parse(line) as Measure);
    });
  });
}

const GENERATOR = `
const v8 = require('node:v8');
class Order { constructor(i, prev) { this.id = i; this.prev = prev; this.note = 'n' + (i % 1000); this.items = [i]; } }
class Session { constructor(i) { this.id = i; this.data = { k: i }; } }
const keep = []; let prev = null;
function grow(n) { for (let i = 0; i < n; i++) { prev = new Order(i, prev); keep.push(prev); if (i % 3 === 0) keep.push(new Session(i)); } }
grow(Number(process.argv[3]));
v8.writeHeapSnapshot(process.argv[2] + '/a.heapsnapshot');
if (process.argv[4] !== '0') {
  grow(Number(process.argv[4]));
  v8.writeHeapSnapshot(process.argv[2] + '/b.heapsnapshot');
}
`;

const mb = (x: number): string => `${(x / 1e6).toFixed(0)} MB`;
/** objects for a snapshot of about 203 MB (300,000 made 112 MB) */
const BIG_OBJECTS = 548_000;

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'seep-heapbench-'));
  try {
    const gen = path.join(dir, 'gen.cjs');
    writeFileSync(gen, GENERATOR);
    execFileSync(process.execPath, [gen, dir, '300000', '30000'], { timeout: 300_000 });
    const a = path.join(dir, 'a.heapsnapshot');
    const b = path.join(dir, 'b.heapsnapshot');
    console.log(`snapshots: ${mb(statSync(a).size)} and ${mb(statSync(b).size)}`);
    const floor = await measure('empty', a, b);
    const seep = await measure('seep', a, b);
    const memlab = await measure('memlab', a, b, ['--max-old-space-size=8192']);
    console.log(`empty child (tsx start-up): ${floor.ms.toFixed(0)} ms, peak RSS ${mb(floor.hwmBytes)}`);
    console.log(`seep streaming diff:  ${(seep.ms / 1000).toFixed(2)} s, peak RSS ${mb(seep.hwmBytes)}  top: ${seep.top}`);
    console.log(`memlab load + count:  ${(memlab.ms / 1000).toFixed(2)} s, peak RSS ${mb(memlab.hwmBytes)}  top: ${memlab.top}`);
    console.log(`time ratio (memlab / seep): ${(memlab.ms / seep.ms).toFixed(1)}x   (target >= 3x)`);
    console.log(`peak RSS ratio (memlab / seep): ${(memlab.hwmBytes / seep.hwmBytes).toFixed(1)}x   (target >= 3x)`);
    const above = (m: Measure): number => Math.max(1, m.hwmBytes - floor.hwmBytes);
    console.log(`peak RSS above start-up floor, ratio: ${(above(memlab) / above(seep)).toFixed(1)}x`);

    const bigDir = path.join(dir, 'big');
    mkdirSync(bigDir);
    execFileSync(process.execPath, [gen, bigDir, String(BIG_OBJECTS), '0'], { timeout: 300_000 });
    rmSync(a);
    rmSync(b);
    const big = path.join(bigDir, 'a.heapsnapshot');
    const size = statSync(big).size;
    const one = await measure('seep-one', big, big);
    const memlabOne = await measure('memlab-one', big, big, ['--max-old-space-size=8192']);
    console.log(`\none snapshot of ${mb(size)}: constructor histogram`);
    console.log(`seep streaming histogram: ${(one.ms / 1000).toFixed(2)} s, peak RSS ${mb(one.hwmBytes)}  top: ${one.top}`);
    console.log(`memlab load + count:      ${(memlabOne.ms / 1000).toFixed(2)} s, peak RSS ${mb(memlabOne.hwmBytes)}  top: ${memlabOne.top}`);
    const anchor = `memlab ${(memlabOne.ms / 1000).toFixed(2)} s, ${mb(memlabOne.hwmBytes)}`;
    printTarget({ what: `histogram of a ${mb(size)} snapshot, time`, limit: '<= 2 s', anchor, measured: `${(one.ms / 1000).toFixed(2)} s`, ratio: `${(memlabOne.ms / one.ms).toFixed(1)}x faster than memlab`, pass: one.ms <= 2000 });
    printTarget({ what: `histogram of a ${mb(size)} snapshot, peak RSS`, limit: '<= 200 MB', anchor, measured: mb(one.hwmBytes), ratio: `${(memlabOne.hwmBytes / one.hwmBytes).toFixed(1)}x less than memlab`, pass: one.hwmBytes <= 200e6 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self && process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
}
