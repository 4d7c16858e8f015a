// The Python agent must never break the target's own code. CPython's tuple(generator) grows the tuple
// it builds in place, allowed only while nothing else holds it; the agent's heap walks saw it in
// gc.get_objects(), and a thread switch while that list was alive made the target's tuple() raise
// SystemError (a gunicorn worker importing Flask died of it). Here three threads build tuples from
// generators on a heap of 300k objects while every op that walks the heap is asked, again and again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectAgent } from '../agentClient.ts';
import { agentTargetsDir, startTarget, type Started } from '../../../fixtures/agent-targets/targets.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'seep-tuples-'));
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const WALKS = [
  ['typeGrowth', { action: 'baseline' }],
  ['memory', {}],
  ['typeGrowth', { action: 'read' }],
  ['typeCounts', {}],
  ['openResources', { gc: false }],
  ['followCreations', { types: ['__main__.Nothing'] }],
  ['creations', { types: ['__main__.Nothing'] }],
  ['referrers', { type: 'builtins.list', gc: false, timeoutMs: 300 }],
] as const;

describe('Python agent: heap walks beside threads building tuples', () => {
  it("every op that walks the heap, asked for seconds, never breaks the target's tuple()", async () => {
    const sock = path.join(dir, 'agent.sock');
    const target: Started = await startTarget(['python3', path.join(agentTargetsDir, 'tupleBuilders.py'), '300'], { PYTHONPATH: import.meta.dirname, SEEP_AGENT_SOCKET: sock }, /^ready \d+/, 30_000);
    cleanups.push(target.stop);
    const exited = new Promise<string>((r) => target.child.once('exit', (code) => r(`target exited (${code}): ${target.stderr()}`)));
    const agent = await connectAgent(sock, { timeoutMs: 10_000 });
    cleanups.push(() => agent.close());
    // rounds, not a clock: on a busy machine each walk takes longer and the builders run less, so a
    // count of walks is what gives the race its chances (on the unfixed agent the first rounds fail)
    let broke: string | undefined;
    for (let round = 0; round < 5 && broke === undefined; round++) {
      for (const [op, params] of WALKS) {
        // a closed connection means the target died: wait for its exit to say why
        const reply = agent.request(op, params).then(() => undefined, () => exited);
        broke = await Promise.race([reply, exited]);
        if (broke !== undefined) break;
      }
    }
    expect(broke).toBeUndefined();
    expect(target.stderr()).not.toMatch(/SystemError/);
  }, 120_000);
});
