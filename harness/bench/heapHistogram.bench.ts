// Streaming histogram diff of two >=100 MB heap snapshots vs memlab loading the same two files.
// Each side runs in its own child process so peak RSS (VmHWM) is its own; both children pay the
// same tsx start-up, which is why an empty child is measured too (the floor).
// memlab side: @memlab/core's getSnapshotFromFile (its parse, without the dominator pass that
// getFullHeapFromFile adds) then a count per (type, name): the least memlab needs to answer the
// same question, so the ratio is conservative.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  if (role === 'seep') {
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
grow(Number(process.argv[4]));
v8.writeHeapSnapshot(process.argv[2] + '/b.heapsnapshot');
`;

const mb = (x: number): string => `${(x / 1e6).toFixed(0)} MB`;

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
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === self && process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
}
