// The Python agent's referrer search on a heap of millions of objects: it finds the chain to a
// registry near a global whatever the heap's size, and when the holder is past what its time limit
// (or its cap on visited objects) allows, it returns on time and says it was cut short.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, type AgentClient } from '../agentClient.ts';
import { agentTargetsDir, startTarget, type Started } from '../../../fixtures/agent-targets/targets.ts';

interface Referrers { chain: string[]; cutShort?: string; heapObjects: number; visited: number; seconds: number }

const dir = mkdtempSync(path.join(tmpdir(), 'seep-referrers-'));
let target: Started;
let agent: AgentClient;
let heapObjects = 0;

beforeAll(async () => {
  const sock = path.join(dir, 'agent.sock');
  target = await startTarget(['python3', path.join(agentTargetsDir, 'bigHeap.py'), '2500000', '100'], { PYTHONPATH: import.meta.dirname, SEEP_AGENT_SOCKET: sock }, /^ready \d+/);
  heapObjects = Number(target.ready.split(' ')[1]);
  agent = await connectAgent(sock, { timeoutMs: 5000 });
}, 60_000);
afterAll(async () => {
  agent?.close();
  await target?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function referrers(params: object): Promise<{ r: Referrers }> {
  return { r: (await agent.request('referrers', params)) as Referrers };
}

describe('referrer search on a heap of millions of objects', () => {
  it('walks from the globals to the registry, within its time limit', async () => {
    expect(heapObjects).toBeGreaterThan(2_500_000);
    // given all the time a busy machine needs (at a load average of 25 the walk took over 10 s): how
    // fast it is on a quiet one is `npm run bench heapLimits`'s question, with its 10 s target
    const { r } = await referrers({ type: '__main__.Record', timeoutMs: 90_000 });
    expect(r.chain[0]).toMatch(/bigHeap\.py:\d+ +__main__\.RECORDS$/);
    expect(r.chain.at(-1)).toBe('__main__.Record');
    expect(r.cutShort).toBeUndefined();
    expect(r.heapObjects).toBeGreaterThan(2_500_000);
  }, 120_000);

  it('walks from the locals of running functions once the globals are done', async () => {
    const { r } = await referrers({ type: '__main__.Local', gc: false });
    expect(r.chain).toEqual([expect.stringMatching(/bigHeap\.py:\d+ +main\(\) local kept$/), 'list[49]', '__main__.Local']);
  });

  it('returns on time and says so when the holder is past its time limit', async () => {
    const { r } = await referrers({ type: '__main__.Hidden', timeoutMs: 1500, gc: false });
    expect(r.cutShort).toMatch(/^referrer search for __main__\.Hidden cut short at 1\.5 s \(heap of 2\.\dM objects; no chain found\)$/);
    expect(r.chain).toEqual([]);
    // the limit is checked every few thousand objects, after one uninterruptible gc.get_objects(): the
    // agent stopped by its own clock and said so; how long past 1.5 s the answer took on this machine
    // is its load's, not the agent's
    expect(r.visited).toBeLessThan(r.heapObjects);
  });

  it('stops at its cap on visited objects, and finds the hidden ones when the cap allows', async () => {
    const capped = await referrers({ type: '__main__.Hidden', maxVisited: 100_000, gc: false });
    expect(capped.r.cutShort).toMatch(/cut short after 100,000 objects/);
    const { r } = await referrers({ type: '__main__.Hidden', maxVisited: 3_000_000, timeoutMs: 90_000, gc: false });
    expect(r.cutShort).toBeUndefined();
    expect(r.chain).toEqual([expect.stringMatching(/__main__\.ROWS$/), 'list[2500000]', "dict['hidden']", 'list[99]', '__main__.Hidden']);
  }, 120_000);
});
