// The type growth collector against a real Python service and its agent: the baseline at the warmup
// read, a line per boundary, and a slow leak that starts after 40 other types took every place
// followed at once still gets followed, once the crowd has stayed the same long enough.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS, type Metric, type Phase, type Sample } from '../report/sampleSchema.ts';
import { connectAgent } from '../agents/agentClient.ts';
import { PYTHON_AGENT_DIR } from '../agents/suspectCollector.ts';
import type { TypeGrowthLine } from '../series/sampleStream.ts';
import { startTarget } from '../../fixtures/agent-targets/targets.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { REPO_ROOT } from '../../fixtures/testing/runSeep.ts';
import { typeGrowthCollector } from './typeGrowthCollector.ts';

const dir = tempDir('seep-type-collector-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function sample(iteration: number, phase: Phase): Sample {
  const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, number | null>;
  return { t: iteration * 100, iteration, phase, values, tcp: {}, pids: [] };
}

async function run(variant: string): Promise<{ lines: TypeGrowthLine[]; slow: boolean }> {
  const sock = path.join(dir, `${variant}.sock`);
  const t = await startTarget(['python3', path.join(REPO_ROOT, 'fixtures/type-growth/crowdService.py')], { PYTHONPATH: PYTHON_AGENT_DIR, SEEP_AGENT_SOCKET: sock, VARIANT: variant }, /^listening \d+/);
  cleanups.push(t.stop);
  const client = await connectAgent(sock, { timeoutMs: 5000 });
  cleanups.push(() => client.close());
  const port = Number(t.ready.split(' ')[1]);
  const get = async (p: string) => (await fetch(`http://127.0.0.1:${port}${p}`)).text();
  const handle = { runtime: 'python' as const, pid: t.child.pid!, role: 'root' as const, request: (op: string, params?: object) => client.request(op, params), close: () => client.close() };
  const lines: TypeGrowthLine[] = [];
  const collector = typeGrowthCollector(() => handle, (l) => lines.push(l));
  await collector.atBoundary!(sample(0, 'warmup'));
  await get('/crowd');
  for (let i = 1; i <= 14; i++) {
    await get('/step');
    await client.request('gc');
    await collector.atBoundary!(sample(i, 'measured'));
  }
  await collector.atBoundary!(sample(14, 'settle'));
  const after = await collector.afterRun!(14);
  expect(after.evidence).toBeUndefined();
  // a slow read (a busy machine) is reported; nothing may have failed
  expect(after.errors.filter((e) => !/a read took/.test(e))).toEqual([]);
  return { lines, slow: after.errors.length > 0 };
}

describe('typeGrowthCollector on a Python service', () => {
  it('follows a slow leak that starts after the crowd took every place, once the crowd stays the same', async () => {
    const { lines, slow } = await run('leaky');
    // two slow reads in a row (a busy machine) skip boundaries, and the run says so
    if (!slow) expect(lines.map((l) => l.p).join('')).toBe(`w${'m'.repeat(14)}s`);
    expect(lines[0]!.c).toEqual({});
    // the second read follows 30 names, and at the third Late has moved (3) but finds no place
    expect(Object.keys(lines[2]!.c)).toHaveLength(30);
    expect(lines[3]!.c['__main__.Late']).toBeUndefined();
    const last = lines.at(-1)!.c;
    expect(last['__main__.Late']).toBe(14);
    expect(Object.keys(last).length).toBeLessThanOrEqual(30);
  });

  it('the fixed twin follows no Late', async () => {
    const { lines } = await run('fixed');
    expect(lines.some((l) => '__main__.Late' in l.c)).toBe(false);
  });
});

describe("typeGrowthCollector at a soak's checkpoint that forced no GC", () => {
  it('asks the agent nothing in the measured phase, and reads at the next forced one', async () => {
    const ops: string[] = [];
    const handle = {
      runtime: 'node' as const, pid: process.pid, role: 'root' as const, close: async () => undefined,
      request: async (op: string, params?: object) => {
        ops.push(`${op} ${(params as { action: string }).action}`);
        return { sites: {} };
      },
    };
    const lines: TypeGrowthLine[] = [];
    const collector = typeGrowthCollector(() => handle, (l) => lines.push(l));
    await collector.atBoundary!(sample(0, 'warmup'), { reused: false });
    await collector.atBoundary!(sample(1, 'measured'), { reused: true });
    expect(ops).toEqual(['allocationSites baseline']);
    await collector.atBoundary!(sample(2, 'measured'), { reused: false });
    expect(ops).toEqual(['allocationSites baseline', 'allocationSites read']);
    expect(lines.map((l) => `${l.p}${l.i}`)).toEqual(['w0', 'm2']);
  });
});

