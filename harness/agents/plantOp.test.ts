// The agents' 'plant' op (seep run --calibrate): a known leak that stays, in the heap seep reads
// and under a class name that type evidence shows.
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AgentError, connectAgent } from './agentClient.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { agentTargetsDir, nodeAgentPath, startTarget } from '../../fixtures/agent-targets/targets.ts';
import { heapFigures } from './runtimeHeap.ts';

const dir = tempDir('seep-plant-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function agentIn(argv: string[], env: Record<string, string>) {
  const sock = path.join(dir, `${path.basename(argv[1]!)}-${Date.now()}.sock`);
  const t = await startTarget(argv, { ...env, SEEP_AGENT_SOCKET: sock }, /^listening \d+/);
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 5000 });
  cleanups.push(() => agent.close());
  return agent;
}

describe("the agents' plant op", () => {
  it('Node: each plant keeps its bytes in the heap seep reads after GC', async () => {
    const agent = await agentIn([process.execPath, path.join(agentTargetsDir, 'listenerService.cjs'), 'fixed'], { NODE_OPTIONS: `--require ${nodeAgentPath}` });
    // The agent reads the heap in the same tick as its forced GC (agents/node/seepAgent.cjs 'gc'), and
    // V8 accounts a new ArrayBuffer's bytes as external only once its concurrent sweeper has run,
    // which under load can be after that read (seen in full suites at 16 KB plants: 23, 54, then
    // 109 KB of 160 KB): the bytes show at a later GC's read. So: plants of 1 MiB, and reads after
    // GC until they show, for at most 30 s; a plant that kept nothing never shows its 10 MiB.
    const heap = async () => {
      await agent.request('gc');
      return heapFigures('node', await agent.request('memory')).used!;
    };
    const MiB = 1 << 20;
    for (let i = 1; i <= 10; i++) expect(await agent.request('plant', { bytes: MiB })).toEqual({ count: i, bytes: i * MiB });
    // measured between the 10th and the 20th plant, away from the target's start; the lower of two
    // reads (a read can still count a Buffer the target dropped before it)
    const before = Math.min(await heap(), await heap());
    for (let i = 11; i <= 20; i++) expect(await agent.request('plant', { bytes: MiB })).toEqual({ count: i, bytes: i * MiB });
    await vi.waitUntil(async () => (await heap()) - before >= 10 * MiB, { timeout: 30_000, interval: 100 });
    await expect(agent.request('plant', { bytes: -1 })).rejects.toBeInstanceOf(AgentError);
  });

  it('Python: each plant is a SeepPlantedLeak in the gc type counts, holding its bytes', async () => {
    const agent = await agentIn(['/usr/bin/python3', path.join(agentTargetsDir, 'registryService.py'), 'fixed'], { PYTHONPATH: import.meta.dirname + '/python' });
    for (let i = 1; i <= 5; i++) expect(await agent.request('plant', { bytes: 4096 })).toEqual({ count: i, bytes: i * 4096 });
    const { counts } = (await agent.request('typeCounts')) as { counts: Record<string, number> };
    expect(counts['seep_agent.SeepPlantedLeak']).toBe(5);
    await expect(agent.request('plant', { bytes: true })).rejects.toBeInstanceOf(AgentError);
  });
});
