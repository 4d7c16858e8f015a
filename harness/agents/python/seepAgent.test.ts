import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { AgentError, connectAgent, type AgentClient } from '../agentClient.ts';
import { startTarget, agentTargetsDir } from '../../../fixtures/agent-targets/targets.ts';

const agentDir = import.meta.dirname;
// 5 frames, not the runner's 25: tracing every import at depth 25 costs seconds of start-up on a
// busy 2-core machine, and these tests only look at the innermost frames
const dir = mkdtempSync(path.join(tmpdir(), 'seep-pyagent-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(mode: string, trace = true): Promise<{ agent: AgentClient; port: number }> {
  const sock = path.join(dir, `${mode}-${Date.now()}.sock`);
  const t = await startTarget(
    ['python3', path.join(agentTargetsDir, 'registryService.py'), mode],
    { PYTHONPATH: agentDir, SEEP_AGENT_SOCKET: sock, ...(trace ? { PYTHONTRACEMALLOC: '5' } : {}) },
    /^listening \d+/,
  );
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 30_000 });
  cleanups.push(() => agent.close());
  return { agent, port: Number(t.ready.split(' ')[1]) };
}

async function hit(port: number, n: number, p: string): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}${p}`)).text();
}

interface Site { site: string; countDiff: number; sizeDiff: number; traceback: string[] }

describe('Python agent (sitecustomize on PYTHONPATH)', () => {
  it('tracemalloc compare names the line that allocates what the registry keeps', async () => {
    const { agent, port } = await start('leaky');
    await agent.request('tracemalloc', { action: 'baseline' });
    await hit(port, 20, '/job');
    const { sites } = (await agent.request('tracemalloc', { action: 'compare' })) as { sites: Site[] };
    expect(sites[0]!.site).toMatch(/registryService\.py:23$/);
    expect(sites[0]!.sizeDiff).toBeGreaterThan(20 * 4096);
    expect(sites[0]!.traceback.at(-1)).toContain('job = Job(n, bytearray(4096))');
    expect(sites.some((s) => s.traceback.join('\n').includes('seep_agent.py'))).toBe(false);
  });

  it('typeCounts counts instances and referrers walks back to the registry global', async () => {
    const { agent, port } = await start('leaky');
    await hit(port, 7, '/job');
    const { counts } = (await agent.request('typeCounts')) as { counts: Record<string, number> };
    expect(counts['__main__.Job']).toBe(7);
    const { chain } = (await agent.request('referrers', { type: '__main__.Job' })) as { chain: string[] };
    expect(chain[0]).toMatch(/registryService\.py:13 +__main__\._JOB_REGISTRY/);
    expect(chain.at(-1)).toBe('__main__.Job');
  });

  it('captures ResourceWarning for an unclosed socket with the line that opened it; the fixed twin has none', async () => {
    const leaky = await start('leaky');
    await hit(leaky.port, 3, '/socket');
    const w = (await leaky.agent.request('warnings')) as { warnings: { category: string; allocated: string[] }[] };
    expect(w.warnings.length).toBe(3);
    expect(w.warnings[0]!.category).toBe('ResourceWarning');
    expect(w.warnings[0]!.allocated.at(-1)).toMatch(/registryService\.py:30 +sock = socket\.socket/);
    const fixed = await start('fixed');
    await hit(fixed.port, 3, '/socket');
    expect(((await fixed.agent.request('warnings')) as { warnings: unknown[] }).warnings).toEqual([]);
  });

  it('counts every warning by kind, where Python prints one per location: the project\'s own socket, 7 of them', async () => {
    const { agent, port } = await start('leaky', false);
    await hit(port, 7, '/socket');
    const { groups } = (await agent.request('warningCounts')) as { groups: { category: string; what: string; origin: string; raisedAt: string; count: number }[] };
    const sockets = groups.filter((g) => g.category === 'ResourceWarning' && g.what.startsWith('unclosed <socket.socket'));
    expect(sockets.reduce((n, g) => n + g.count, 0)).toBe(7);
    expect(sockets.every((g) => g.origin === 'project' && /registryService\.py:\d+$/.test(g.raisedAt)), JSON.stringify(sockets)).toBe(true);
    // the list one by one is capped small in a live target (its growth would be measured as the target's)
    const { warnings } = (await agent.request('warnings')) as { warnings: unknown[] };
    expect(warnings.length).toBe(7);
  });

  it('without tracemalloc, names the line that opened an unclosed socket from the second on: the class that warned is followed', async () => {
    const { agent, port } = await start('leaky', false);
    await hit(port, 3, '/socket');
    const w = (await agent.request('warnings')) as { warnings: { type?: string; site: string; allocated: string[] }[] };
    expect(w.warnings.length).toBe(3);
    expect(w.warnings.map((x) => x.type)).toEqual(['socket.socket', 'socket.socket', 'socket.socket']);
    // the first was made before anything warned: where it was collected is all there is
    expect(w.warnings[0]!.allocated).toEqual([]);
    for (const later of w.warnings.slice(1)) {
      expect(later.allocated.at(-1)).toMatch(/registryService\.py:30 +sock = socket\.socket/);
      expect(later.site).toMatch(/registryService\.py:30$/);
    }
  });

  it("a checkpoint's gc reuses a full collection that ended recently: the boundary's read gets the heap it left, in a forced one's shape", async () => {
    interface Heap { traced: number | null; blocks: number; mallocInUse: number }
    const afterGc = async () => ((await agent.request('memory', { afterGc: true })) as { afterGc?: Heap }).afterGc;
    const { agent, port } = await start('leaky', false);
    expect(await agent.request('gc')).toMatchObject({ forced: true });
    const forced = (await afterGc())!;
    expect(forced.mallocInUse).toBeGreaterThan(0);
    await hit(port, 40, '/job'); // each keeps a Job and its 4 KiB bytearray
    const reused = (await agent.request('gc', { reuseWithinMs: 60_000 })) as { forced: boolean; ageMs: number };
    expect(reused.forced).toBe(false);
    expect(reused.ageMs).toBeGreaterThanOrEqual(0);
    const settled = (await afterGc())!;
    expect(Object.keys(settled).sort()).toEqual(Object.keys(forced).sort());
    expect(await afterGc()).toBeUndefined(); // given once
    expect(await agent.request('gc', { reuseWithinMs: 0 })).toMatchObject({ forced: true });
    const fresh = (await afterGc())!;
    expect(Object.keys(fresh).sort()).toEqual(Object.keys(forced).sort());
    // what the last full collection left, until one is forced: the 40 jobs are in the fresh one only
    expect(fresh.mallocInUse - settled.mallocInUse).toBeGreaterThanOrEqual(40 * 4096);
  });

  it("gc collects a second time only when the first found garbage: what a finalizer let go of is freed", async () => {
    const { agent, port } = await start('fixed', false);
    await agent.request('gc');
    expect(await agent.request('gc')).toMatchObject({ forced: true, collected: 0, passes: 1 });
    await agent.request('typeGrowth', { action: 'baseline' });
    await hit(port, 3, '/parting'); // 3 cycles, each of whose finalizer leaves a cycle behind
    expect(await agent.request('gc')).toMatchObject({ forced: true, passes: 2 });
    const { changes } = (await agent.request('typeGrowth', { action: 'read', track: ['__main__.Parting', '__main__.Orphan'] })) as { changes: Record<string, number> };
    expect(changes).toMatchObject({ '__main__.Parting': 0, '__main__.Orphan': 0 });
  });

  it('reads the heap without tracemalloc: blocks, gc objects, malloc in use, and the handles it sees open', async () => {
    interface Mem { tracing: boolean; traced: null; blocks: number; gcObjects: number; mallocInUse: number; handles: Record<string, number> }
    const { agent, port } = await start('leaky', false);
    const read = async () => {
      await agent.request('gc');
      return (await agent.request('memory')) as Mem;
    };
    const before = await read();
    expect(before).toMatchObject({ tracing: false, traced: null });
    // the listening socket (not the agent's server and connection) and stdin, stdout, stderr
    expect(before.handles.socket).toBe(1);
    expect(before.handles.file).toBeGreaterThanOrEqual(3);
    await hit(port, 40, '/job'); // each keeps a Job and its 4 KiB bytearray
    const after = await read();
    expect(after.mallocInUse - before.mallocInUse).toBeGreaterThanOrEqual(40 * 4096);
    expect(after.gcObjects - before.gcObjects).toBeGreaterThanOrEqual(40);
    expect(after.blocks - before.blocks).toBeGreaterThanOrEqual(40);
    expect(after.handles).toEqual(before.handles);
    // a boundary's read gets the figures as the GC left them, once: what requests kept since is not in them
    await agent.request('gc');
    await hit(port, 10, '/job');
    const boundary = (await agent.request('memory', { afterGc: true })) as Mem & { afterGc?: { blocks: number; mallocInUse: number } };
    expect(boundary.blocks - boundary.afterGc!.blocks).toBeGreaterThanOrEqual(10);
    expect(((await agent.request('memory', { afterGc: true })) as { afterGc?: unknown }).afterGc).toBeUndefined();
  });

  it('answers a bad request with an error and keeps serving', async () => {
    const { agent } = await start('fixed');
    await expect(agent.request('nope')).rejects.toThrow(AgentError);
    await expect(agent.request('tracemalloc', { action: 'compare', name: 'missing' })).rejects.toThrow(/no tracemalloc snapshot/);
    expect(((await agent.request('ping')) as { tracing: boolean }).tracing).toBe(true);
  });

  it('serves in every process with SEEP_AGENT_DIR, a child made by os.fork() (no exec) on its own socket with its own state', async () => {
    const socketDir = mkdtempSync(path.join(tmpdir(), 'seep-pyfork-'));
    cleanups.push(() => rmSync(socketDir, { recursive: true, force: true }));
    const t = await startTarget(['python3', path.join(agentTargetsDir, 'forkingService.py')], { PYTHONPATH: agentDir, SEEP_AGENT_DIR: socketDir }, /^ready \d+ \d+ \d+$/);
    cleanups.push(t.stop);
    const [parent, ...children] = t.ready.split(' ').slice(1).map(Number);
    expect(children).toHaveLength(2);
    for (const pid of [parent!, ...children]) {
      const agent = await connectAgent(path.join(socketDir, `${pid}.sock`), { timeoutMs: 5000 });
      cleanups.push(() => agent.close());
      expect(((await agent.request('ping')) as { pid: number }).pid).toBe(pid);
      const mem = (await agent.request('memory')) as { pid: number; blocks: number };
      expect(mem.pid).toBe(pid);
      expect(mem.blocks).toBeGreaterThan(1000);
      // the parent's warnings stay the parent's: a forked child starts with none of its own
      const { warnings } = (await agent.request('warnings')) as { warnings: { message: string }[] };
      expect(warnings.map((w) => w.message)).toEqual([pid === parent ? 'in the parent before fork' : 'in the child']);
    }
  });

  it('runs the target’s own sitecustomize too, and writes the dump file of a short-lived CLI at exit', () => {
    const own = path.join(dir, 'own');
    mkdirSync(own, { recursive: true });
    writeFileSync(path.join(own, 'sitecustomize.py'), 'import builtins\nbuiltins.OWN_SITE = "ran"\n');
    const dump = path.join(dir, 'dump.json');
    const script = [
      'import builtins, socket',
      'print(builtins.OWN_SITE)',
      'def leak():',
      '    return socket.socket()',
      'kept = leak()',
      'lost = socket.socket()',
      'del lost',
      'import asyncio',
      'class ClientSession:',
      '    def __init__(self): self._connector = []',
      'session = ClientSession()',
      'loop = asyncio.new_event_loop()',
      "loop.call_exception_handler({'message': 'Unclosed client session', 'client_session': session})",
      'loop.close()',
      // what a CLI pays for that seep never reads: an agent in its Python children (no dump asked of
      // them), a tracemalloc snapshot (taken at start, compared at exit: 90 ms an invocation)
      'import subprocess, sys, seep_agent',
      "print(subprocess.run([sys.executable, '-c', 'import sys; print(\"seep_agent\" in sys.modules)'], capture_output=True, text=True, check=True).stdout.strip())",
      'print(len(seep_agent._snapshots))',
    ].join('\n');
    const out = execFileSync('python3', ['-c', script], {
      env: { ...process.env, PYTHONPATH: `${agentDir}:${own}`, SEEP_AGENT_DUMP: dump },
      // python3 with tracemalloc on from the start: seconds on a busy machine; the bound only ends a hang
      timeout: 50_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    expect(out.trim().split('\n')).toEqual(['ran', 'False', '0']);
    const report = JSON.parse(readFileSync(dump, 'utf8')) as { warnings: { category: string; message: string; allocated: string[]; site: string }[]; openResources: { kind: string; allocated: string[] }[] };
    expect(Object.keys(report).sort()).toEqual(['openResources', 'pid', 'warnings']);
    expect(report.warnings).toHaveLength(2);
    expect(report.warnings[0]!.allocated.at(-1)).toContain('<string>:6');
    expect(report.warnings[1]).toMatchObject({ category: 'Unclosed', message: 'Unclosed client session' });
    // Python 3.11 cannot trace instances with a managed __dict__; the agent falls back to an attribute
    expect(report.warnings[1]!.allocated.join('\n')).toContain('<string>:11');
    expect(report.warnings[0]!.site).toBe('<string>:6');
    const sockets = report.openResources.filter((r) => r.kind === 'socket');
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.allocated.at(-1)).toContain('<string>:4');
  });
});
