// The Python agent's 'typeGrowth' op on a real service: what moved per type since the baseline,
// only what moved, and the names the caller follows even when they did not move.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../agentClient.ts';
import { startTarget, agentTargetsDir } from '../../../fixtures/agent-targets/targets.ts';

const agentDir = import.meta.dirname;
const dir = mkdtempSync(path.join(tmpdir(), 'seep-pytypes-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(mode: string): Promise<{ agent: AgentClient; port: number }> {
  const sock = path.join(dir, `${mode}-${Date.now()}.sock`);
  const t = await startTarget(['python3', path.join(agentTargetsDir, 'registryService.py'), mode], { PYTHONPATH: agentDir, SEEP_AGENT_SOCKET: sock }, /^listening \d+/);
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 5000 });
  cleanups.push(() => agent.close());
  return { agent, port: Number(t.ready.split(' ')[1]) };
}

async function hit(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}/job`)).text();
}

type Changes = { changes: Record<string, number> };

describe("Python agent: 'typeGrowth'", () => {
  it('says how many of each type were added since the baseline, and only what moved', async () => {
    const { agent, port } = await start('leaky');
    await hit(port, 3);
    await expect(agent.request('typeGrowth', { action: 'read' })).rejects.toThrow(/no baseline/);
    await agent.request('gc');
    await agent.request('typeGrowth', { action: 'baseline' });
    await hit(port, 12);
    await agent.request('gc');
    const { changes } = (await agent.request('typeGrowth', { action: 'read', minChange: 2 })) as Changes;
    expect(changes['__main__.Job']).toBe(12);
    expect(Object.values(changes).every((d) => Math.abs(d) > 2)).toBe(true);
    expect(Object.keys(changes).length).toBeLessThanOrEqual(20);
  });

  it('the fixed twin moves nothing of its own; a followed name is sent even when it did not move', async () => {
    const { agent, port } = await start('fixed');
    await hit(port, 3);
    await agent.request('gc');
    await agent.request('typeGrowth', { action: 'baseline' });
    await hit(port, 12);
    await agent.request('gc');
    const { changes } = (await agent.request('typeGrowth', { action: 'read', minChange: 2, track: ['__main__.Job'] })) as Changes;
    expect(changes['__main__.Job']).toBe(0);
    expect(Object.keys(changes).filter((k) => k.startsWith('__main__'))).toEqual(['__main__.Job']);
  });
});
