import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectAgent } from './agentClient.ts';
import { agentEnv, createSuspectCollector, type SuspectCollector } from './suspectCollector.ts';
import { rankEvidence } from '../analysis/rankSuspects.ts';
import { withHeld } from '../analysis/suspects.ts';
import { pythonWarningCandidates } from '../analysis/pythonWarnings.ts';
import { warningSuspects } from '../analysis/warningCosts.ts';
import { countedWarnings, createWarningReads } from '../observations/warningReads.ts';
import { warningCountsCollector } from '../runner/warningCountsCollector.ts';
import { phaseOfCode } from '../series/sampleStream.ts';
import { METRICS, type Metric, type Phase, type Sample } from '../report/sampleSchema.ts';
import { startTarget, agentTargetsDir } from '../../fixtures/agent-targets/targets.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'seep-suspects-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ITERATIONS = 30;

const boundary = (phase: Phase, iteration: number): Sample => ({
  t: Date.now(), iteration, phase, values: Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, number | null>, tcp: {}, pids: [],
});

async function run(runtime: 'node' | 'python', mode: string, urlPath: string, keepSnapshots = false): Promise<{ c: SuspectCollector; work: string; warnings: () => ReturnType<typeof warningSuspects> }> {
  const work = mkdtempSync(path.join(dir, `${runtime}-${mode}-`));
  const sock = path.join(work, 'agent.sock');
  const argv = runtime === 'node'
    ? [process.execPath, path.join(agentTargetsDir, 'listenerService.cjs'), mode]
    : ['python3', path.join(agentTargetsDir, 'registryService.py'), mode];
  // 5 frames instead of 25 keeps Python's start-up quick on a busy machine; the sites are the same
  const env = { ...agentEnv(runtime, sock), ...(runtime === 'python' ? { PYTHONTRACEMALLOC: '5' } : {}) };
  const t = await startTarget(argv, env, /^listening \d+/);
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 10_000 });
  cleanups.push(() => agent.close());
  const port = Number(t.ready.split(' ')[1]);
  const hit = async (n: number) => {
    for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}${urlPath}`)).text();
  };
  // as the engine runs them: Python's warnings counted at every boundary (runner/warningCountsCollector.ts),
  // folded (observations/warningReads.ts) and ranked in the judge (analysis/warningCosts.ts), not the
  // collector's list of a live target's last warnings
  const c = createSuspectCollector({ runtime, request: agent.request, workDir: work, keepSnapshots, maxSnapshotBytes: 200e6, pythonWarnings: false });
  const reads = createWarningReads();
  const counts = warningCountsCollector(() => [{ runtime, pid: t.child.pid!, role: 'root', request: agent.request, close: () => {} }], (e) => {
    if (e.k === 'warns') reads.add(phaseOfCode(e.p), e.g);
  });
  await hit(5);
  await counts.atBoundary!(boundary('warmup', 4));
  await c.atBaseline();
  await hit(ITERATIONS);
  await counts.atBoundary!(boundary('measured', 4 + ITERATIONS));
  await c.afterMeasured();
  await new Promise((r) => setTimeout(r, 200));
  await counts.atBoundary!(boundary('settle', 4 + ITERATIONS));
  await c.afterSettle();
  return { c, work, warnings: () => warningSuspects(countedWarnings(reads.reads(), ITERATIONS)) };
}

describe('suspectCollector against real targets', () => {
  it('Node listener leak: the emitter first, holding the listener and the class it keeps, with a path through the emitter', async () => {
    const { c, work } = await run('node', 'leaky', '/', true);
    const suspects = rankEvidence(await c.evidence(ITERATIONS));
    expect(c.errors()).toEqual([]);
    // holders first: every RequestState is kept by the closure subscribed per request on the module's bus
    expect(suspects[0]).toMatchObject({ runtime: 'node', kind: 'holder', name: 'listenerService.cjs: bus', countDelta: ITERATIONS, perIteration: 1 });
    const state = suspects[0]!.holds!.find((s) => s.name === 'RequestState')!;
    expect(state).toMatchObject({ runtime: 'node', kind: 'constructor', countDelta: ITERATIONS, perIteration: 1 });
    expect(suspects[0]!.holds!.map((s) => s.name)).toContain('onTick()');
    const where = state.where.join(' -> ');
    expect(where).toMatch(/^listenerService\.cjs:11: bus -> EventEmitter\._events -> Object\.tick/);
    expect(where).toMatch(/onTick\(\) at listenerService\.cjs:27 context: state/);
    expect(state.where.at(-1)).toBe('RequestState');
    expect(suspects.some((s) => s.kind === 'warning' && /MaxListenersExceededWarning: 11 'tick' listeners on EventEmitter/.test(s.name))).toBe(true);
    expect(c.artifacts().length).toBeGreaterThan(0);
    expect(c.artifacts().every((f) => f.startsWith(work) && existsSync(f))).toBe(true);
    expect((await c.heapUsed())!).toBeGreaterThan(0);
  });

  it('Node fixed twin: nothing grows per iteration, no warnings, snapshots not kept', async () => {
    const { c, work } = await run('node', 'fixed', '/');
    const suspects = rankEvidence(await c.evidence(ITERATIONS));
    expect(c.errors()).toEqual([]);
    expect(suspects).toEqual([]);
    expect(c.artifacts()).toEqual([]);
    expect(existsSync(path.join(work, 'heap-2-settle.heapsnapshot'))).toBe(false);
  });

  it('Node timers left running: a handle suspect names the line that created them', async () => {
    const { c } = await run('node', 'leaky', '/timer');
    const suspects = rankEvidence(await c.evidence(ITERATIONS));
    const handle = suspects.find((s) => s.kind === 'handle');
    expect(handle?.name).toMatch(/^Timeout created at .*listenerService\.cjs:\d+/);
    expect(handle?.countDelta).toBe(ITERATIONS);
  });

  it('Python registry leak: the registry first, with the line that adds to it, then the allocating line; the type leads back to the registry', async () => {
    const { c } = await run('python', 'leaky', '/job');
    const suspects = rankEvidence(await c.evidence(ITERATIONS));
    expect(c.errors()).toEqual([]);
    expect(suspects[0]).toMatchObject({ runtime: 'python', kind: 'holder', name: '__main__._JOB_REGISTRY', countDelta: ITERATIONS });
    expect(suspects[0]!.trace!.addedAt!.join('\n')).toMatch(/registryService\.py:25 +_JOB_REGISTRY\[n\] = job/);
    expect(suspects[0]!.bytesDelta).toBeGreaterThan(ITERATIONS * 4096);
    expect(suspects[1]).toMatchObject({ runtime: 'python', kind: 'allocation-site' });
    expect(suspects[1]!.name).toMatch(/registryService\.py:23$/);
    expect(suspects[1]!.bytesDelta).toBeGreaterThan(ITERATIONS * 4096);
    const job = withHeld(suspects).find((s) => s.kind === 'type' && s.name === '__main__.Job');
    expect(job).toMatchObject({ countDelta: ITERATIONS, perIteration: 1 });
    expect(job!.where[0]).toMatch(/registryService\.py:13 +__main__\._JOB_REGISTRY/);
    expect((await c.heapUsed())!).toBeGreaterThan(0);
  });

  it('Python unclosed socket: a warning suspect names the line that opened it', async () => {
    const { warnings } = await run('python', 'leaky', '/socket');
    const w = warnings().find((s) => s.kind === 'warning');
    expect(w?.name).toMatch(/^ResourceWarning: unclosed <socket\.socket at .*registryService\.py:30$/);
    expect(w?.countDelta).toBe(ITERATIONS);
    expect(w?.perIteration).toBe(1);
  });

  it('Python fixed twin: nothing grows per iteration', async () => {
    const { c } = await run('python', 'fixed', '/job');
    const suspects = rankEvidence(await c.evidence(ITERATIONS));
    expect(c.errors()).toEqual([]);
    expect(suspects).toEqual([]);
  });
});

describe('pythonWarningCandidates', () => {
  it("groups one warning whatever the object's address, and names the class of its source", () => {
    const w = (addr: string) => ({ category: 'ResourceWarning', message: `Unclosed client session <aiohttp.client.ClientSession object at 0x${addr}>`, site: 'app.py:64', allocated: ['app.py:64'], type: 'aiohttp.client.ClientSession' });
    const u = { category: 'Unclosed', message: 'Unclosed client session', site: 'app.py:64', allocated: ['app.py:64'], type: 'aiohttp.client.ClientSession' };
    const got = pythonWarningCandidates([w('7fa5265d2290'), w('7fa5265a3690'), u, w('7fa5265bcc10'), u], 1);
    expect(got).toEqual([
      { runtime: 'python', name: 'ResourceWarning: Unclosed client session <aiohttp.client.ClientSession> at app.py:64', occurrences: 2, total: 3, where: ['app.py:64'] },
      { runtime: 'python', name: 'Unclosed: Unclosed client session (aiohttp.client.ClientSession) at app.py:64', occurrences: 2, total: 2, where: ['app.py:64'] },
    ]);
  });
});
