import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tempDir } from '../../../fixtures/testing/tempDir.ts';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentError, connectAgent, type AgentClient } from '../agentClient.ts';
import { nodeAgentPath, startTarget, agentTargetsDir, type Started } from '../../../fixtures/agent-targets/targets.ts';
import { histogramKey, snapshotHistogram } from '../../heap/snapshotHistogram.ts';

const dir = tempDir('seep-agent-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startService(mode: string, extraEnv: Record<string, string> = {}): Promise<{ t: Started; agent: AgentClient; port: number; sock: string }> {
  const sock = path.join(dir, `${mode}-${Date.now()}.sock`);
  const t = await startTarget(
    [process.execPath, path.join(agentTargetsDir, 'listenerService.cjs'), mode],
    { NODE_OPTIONS: `--require ${nodeAgentPath}`, SEEP_AGENT_SOCKET: sock, ...extraEnv },
    /^listening \d+/,
  );
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 5000 });
  cleanups.push(() => agent.close());
  return { t, agent, port: Number(t.ready.split(' ')[1]), sock };
}

async function hit(port: number, n: number, p = '/'): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}${p}`)).text();
}

describe('seepAgent.cjs in a Node target (NODE_OPTIONS=--require)', () => {
  it('answers gc, memory and snapshot over the unix socket', async () => {
    const { agent, port } = await startService('leaky');
    const pong = (await agent.request('ping')) as { pid: number };
    expect(pong.pid).toBeGreaterThan(0);
    const gc = (await agent.request('gc')) as { heapUsed: number };
    expect(gc.heapUsed).toBeGreaterThan(0);
    const mem = (await agent.request('memory')) as { memoryUsage: { rss: number }; heap: { used_heap_size: number; code_used_size: number } };
    expect(mem.memoryUsage.rss).toBeGreaterThan(mem.heap.used_heap_size);
    // the compiled code, left out of the heap judged (runtimeHeap.ts): a part of the used heap
    expect(mem.heap.code_used_size).toBeGreaterThan(0);
    expect(mem.heap.code_used_size).toBeLessThan(mem.heap.used_heap_size);
    // a boundary's read gets the heap as the GC left it, once: what requests allocated since is not in it
    await agent.request('gc');
    await hit(port, 12);
    type Heap = { heap: { used_heap_size: number } };
    const boundary = (await agent.request('memory', { afterGc: true })) as Heap & { afterGc?: Heap };
    expect(boundary.afterGc!.heap.used_heap_size).toBeGreaterThan(0);
    expect(boundary.heap.used_heap_size).toBeGreaterThan(boundary.afterGc!.heap.used_heap_size);
    expect(((await agent.request('memory', { afterGc: true })) as { afterGc?: unknown }).afterGc).toBeUndefined();
    const file = path.join(dir, 'x.heapsnapshot');
    const snap = (await agent.request('snapshot', { path: file })) as { bytes: number };
    expect(statSync(file).size).toBe(snap.bytes);
  });

  it("a checkpoint's gc reuses a full GC that ended recently: the boundary's read gets the heap it left, in a forced GC's shape", async () => {
    interface Heap { heap: { used_heap_size: number; total_heap_size: number }; memoryUsage: { external: number } }
    const afterGc = async () => ((await agent.request('memory', { afterGc: true })) as { afterGc?: Heap }).afterGc;
    const { agent, port } = await startService('leaky');
    expect(await agent.request('gc')).toMatchObject({ forced: true });
    const forced = (await afterGc())!;
    expect(forced.heap.used_heap_size).toBeGreaterThan(0);
    expect(forced.heap.total_heap_size).toBeGreaterThanOrEqual(forced.heap.used_heap_size);
    // the leak grows; a checkpoint that reuses the last full GC still says what that GC left
    await hit(port, 30);
    const reused = (await agent.request('gc', { reuseWithinMs: 60_000 })) as { forced: boolean; ageMs: number };
    expect(reused.forced).toBe(false);
    expect(reused.ageMs).toBeLessThan(60_000);
    expect(await afterGc()).toEqual(forced);
    expect(await afterGc()).toBeUndefined(); // given once
    expect(await agent.request('gc', { reuseWithinMs: 0 })).toMatchObject({ forced: true });
    const again = (await afterGc())!;
    expect(Object.keys(again).sort()).toEqual(Object.keys(forced).sort());
    expect(Object.keys(again.heap).sort()).toEqual(Object.keys(forced.heap).sort());
    expect(((await agent.request('memory')) as { afterGc?: Heap }).afterGc).toBeUndefined(); // not asked for it
  });

  it("makes every script's line-end table at the forced GCs before the baseline's read, so no allocation-site read adds one", async () => {
    // V8 makes a script's table the first time a sampling profile names it, and keeps it in the heap
    const tables = async (name: string): Promise<number> => {
      const file = path.join(dir, `${name}-${Date.now()}.heapsnapshot`);
      await agent.request('snapshot', { path: file });
      return (await snapshotHistogram(file)).entries.get(histogramKey('code', '(script line ends)'))?.count ?? 0;
    };
    const { agent, port } = await startService('leaky');
    await agent.request('gc');
    await hit(port, 5);
    // a warmup boundary: a GC, the heap read, the sites' baseline; then the last warmup boundary's GC
    await agent.request('gc');
    await agent.request('allocationSites', { action: 'baseline' });
    await agent.request('gc');
    const atBaseline = await tables('baseline');
    for (let i = 0; i < 5; i++) {
      await hit(port, 5);
      await agent.request('gc', { sites: true });
      const read = (await agent.request('allocationSites', { action: 'read' })) as { sites: Record<string, number> };
      if (i === 4) expect(Object.keys(read.sites).some((site) => site.includes('listenerService.cjs')), JSON.stringify(read.sites)).toBe(true);
    }
    expect(await tables('measured')).toBe(atBaseline);
    // not vacuous: the baseline's heap holds the tables (of the service, the agent, Node's own scripts)
    expect(atBaseline).toBeGreaterThan(0);
  });

  it('reports MaxListenersExceededWarning with emitter, event, count and the .on() call site', async () => {
    const { agent, port } = await startService('leaky');
    await hit(port, 12);
    const { warnings } = (await agent.request('warnings')) as { warnings: { name: string; emitter: string; event: string; count: number; stack: string[] }[] };
    const w = warnings.find((x) => x.name === 'MaxListenersExceededWarning');
    expect(w).toMatchObject({ emitter: 'EventEmitter', event: 'tick', count: 11 });
    expect(w!.stack.join('\n')).toContain('listenerService.cjs');
  });

  it('the fixed twin raises no warning', async () => {
    const { agent, port } = await startService('fixed');
    await hit(port, 12);
    const { warnings } = (await agent.request('warnings')) as { warnings: unknown[] };
    expect(warnings).toEqual([]);
  });

  it('names the creation site of timers left running, and not those cleared', async () => {
    const leaky = await startService('leaky');
    await leaky.agent.request('trackResources', { enable: true });
    await hit(leaky.port, 5, '/timer');
    const res = (await leaky.agent.request('activeResources')) as { counts: Record<string, number>; sites: { type: string; count: number; stack: string[] }[] };
    expect(res.counts.Timeout).toBe(5);
    const site = res.sites.find((s) => s.type === 'Timeout');
    expect(site?.count).toBe(5);
    expect(site!.stack[0]).toMatch(/listenerService\.cjs:\d+/);

    const fixed = await startService('fixed');
    await fixed.agent.request('trackResources', { enable: true });
    await hit(fixed.port, 5, '/timer');
    const res2 = (await fixed.agent.request('activeResources')) as { counts: Record<string, number>; sites: { type: string }[] };
    expect(res2.counts.Timeout ?? 0).toBe(0);
    expect(res2.sites.filter((s) => s.type === 'Timeout')).toEqual([]);
  });

  it("counts the handles in the memory reply, without the agent's own server and connections", async () => {
    const { agent, port, sock } = await startService('leaky');
    const handles = async () => ((await agent.request('memory')) as { handles: Record<string, number> }).handles;
    const before = await handles();
    // the target's listening server, and its stdout and stderr (pipes here, as under seep)
    expect(before).toEqual({ TCPServerWrap: 1, PipeWrap: 2 });
    // a second client connection to the agent is not counted either
    const second = await connectAgent(sock, { timeoutMs: 5000 });
    cleanups.push(() => second.close());
    await second.request('ping');
    expect(await handles()).toEqual(before);
    await hit(port, 7, '/timer');
    expect(await handles()).toMatchObject({ ...before, Timeout: 7 });
  });

  it('survives bad requests: unknown op, missing params, a line that is not JSON', async () => {
    const sock = path.join(dir, 'bad.sock');
    const t = await startTarget(
      [process.execPath, path.join(agentTargetsDir, 'listenerService.cjs')],
      { NODE_OPTIONS: `--require ${nodeAgentPath}`, SEEP_AGENT_SOCKET: sock },
      /^listening/,
    );
    cleanups.push(t.stop);
    const agent = await connectAgent(sock);
    cleanups.push(() => agent.close());
    await expect(agent.request('nope')).rejects.toThrow(AgentError);
    await expect(agent.request('snapshot')).rejects.toThrow(/needs a 'path'/);
    const raw = net.createConnection(sock);
    cleanups.push(() => raw.destroy());
    const reply = await new Promise<string>((resolve) => {
      raw.on('data', (d) => resolve(d.toString()));
      raw.write('{not json\n');
    });
    expect(JSON.parse(reply)).toMatchObject({ id: null, ok: false });
    expect(((await agent.request('ping')) as { pid: number }).pid).toBe(t.child.pid);
  });

  it('does not keep the target alive, even with a client connected', async () => {
    const sock = path.join(dir, 'exit.sock');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 300)'], {
      env: { ...process.env, NODE_OPTIONS: `--require ${nodeAgentPath}`, SEEP_AGENT_SOCKET: sock },
      stdio: 'ignore',
    });
    cleanups.push(() => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    const agent = await connectAgent(sock, { timeoutMs: 5000 });
    cleanups.push(() => agent.close());
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(code).toBe(0);
  });

  it('connectAgent gives up with a clear error when no agent appears', async () => {
    await expect(connectAgent(path.join(dir, 'never.sock'), { timeoutMs: 300 })).rejects.toThrow(/no seep agent answered/);
    expect(existsSync(path.join(dir, 'never.sock'))).toBe(false);
  });

  it('serves in every process with SEEP_AGENT_DIR: the cluster primary and each worker cluster.fork() starts', async () => {
    const socketDir = tempDir('seep-nodefork-');
    const t = await startTarget([process.execPath, path.join(agentTargetsDir, 'clusterService.mjs')], { NODE_OPTIONS: `--require ${nodeAgentPath}`, SEEP_AGENT_DIR: socketDir }, /^ready \d+ \d+ \d+$/);
    cleanups.push(t.stop);
    const pids = t.ready.split(' ').slice(1).map(Number);
    expect(pids).toHaveLength(3);
    for (const pid of pids) {
      const agent = await connectAgent(path.join(socketDir, `${pid}.sock`), { timeoutMs: 5000 });
      cleanups.push(() => agent.close());
      expect(((await agent.request('ping')) as { pid: number }).pid).toBe(pid);
      expect(((await agent.request('memory')) as { heap: { used_heap_size: number } }).heap.used_heap_size).toBeGreaterThan(1e6);
    }
  });
});

