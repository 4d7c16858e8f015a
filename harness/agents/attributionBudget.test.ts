// One deadline for every look after the run: max(30 s, 20% of the measured phase). Against a real
// Python target holding millions of objects, a collector given far less time than its looks take
// returns on time and says what it cut short or skipped, instead of waiting for them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAgent } from './agentClient.ts';
import { attributionBudgetMs, createAttributionBudget, wallClock } from './attributionBudget.ts';
import { agentEnv, createSuspectCollector, PYTHON_AGENT_DIR } from './suspectCollector.ts';
import { rankEvidence } from '../analysis/rankSuspects.ts';
import { agentTargetsDir, startTarget } from '../../fixtures/agent-targets/targets.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'seep-attribution-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the attribution budget', () => {
  it('is 30 s, or a fifth of the measured phase when that is longer', () => {
    expect(attributionBudgetMs(40_000)).toBe(30_000);
    expect(attributionBudgetMs(3_600_000)).toBe(720_000);
    let t = 1000;
    const b = createAttributionBudget(30_000, wallClock(() => t));
    t += 12_000;
    b.skip('agent typeCounts (settle)');
    b.cut('referrer search for X cut short at 10 s');
    expect(b.remainingMs()).toBe(18_000);
    expect(b.summary()).toEqual({
      budgetMs: 30_000,
      usedMs: 12_000,
      cutShort: ['referrer search for X cut short at 10 s', 'not done within the 30 s for naming suspects: agent typeCounts (settle)'],
    });
  });

  it('bounds every look at a heap of millions of objects, and says what did not fit', async () => {
    const sock = path.join(dir, 'agent.sock');
    const target = await startTarget(['python3', path.join(agentTargetsDir, 'bigHeap.py'), '2500000', '100'], { PYTHONPATH: PYTHON_AGENT_DIR, SEEP_AGENT_SOCKET: sock }, /^ready \d+/);
    const agent = await connectAgent(sock, { timeoutMs: 5000 });
    try {
      // 1 s: a look at 2.5M objects is a gc.collect() and a count, about 0.5-1 s here, so the three cannot all fit
      const budget = createAttributionBudget(1000);
      const c = createSuspectCollector({
        runtime: 'python', request: (op, params, ms) => agent.request(op, params, ms), workDir: dir, keepSnapshots: false, maxSnapshotBytes: 0, budget,
      });
      await c.atBaseline();
      await c.afterMeasured();
      await c.afterSettle();
      rankEvidence(await c.evidence(20));
      // once the second is spent no look starts: the ones left are named as skipped. How far the look
      // in flight ran past the second depends on the machine's load, not on the budget: no wall time here
      const { cutShort } = budget.summary();
      expect(cutShort.join('\n')).toMatch(/agent typeCounts/);
      expect(cutShort.at(-1)).toMatch(/^not done within the 1 s for naming suspects: .*agent typeCounts \(settle\)/);
      expect(c.errors()).toEqual([]);
    } finally {
      agent.close();
      await target.stop();
    }
  }, 60_000);

  it('without time for the middle look, reads growth from the baseline to the look after the settle', async () => {
    const sock = path.join(dir, 'registry.sock');
    // 5 frames, not the runner's 25: tracing every import at depth 25 made python3's start-up take 131 s
    // instead of 3.5 s at a load average of 44 (the creation line of a module global is one frame deep)
    const target = await startTarget(['python3', path.join(agentTargetsDir, 'registryService.py'), 'leaky'], { ...agentEnv('python', sock), PYTHONTRACEMALLOC: '5' }, /^listening \d+/);
    const agent = await connectAgent(sock, { timeoutMs: 10_000 });
    try {
      const port = Number(target.ready.split(' ')[1]);
      const c = createSuspectCollector({ runtime: 'python', request: (op, params, ms) => agent.request(op, params, ms), workDir: dir, keepSnapshots: false, maxSnapshotBytes: 0 });
      await c.atBaseline();
      for (let i = 0; i < 12; i++) await (await fetch(`http://127.0.0.1:${port}/job`)).text();
      c.skipMeasured();
      await c.afterSettle();
      // the module dict that keeps the jobs is the suspect (issue 22), holding the Job type that grew
      const registry = rankEvidence(await c.evidence(12)).find((s) => s.name === '__main__._JOB_REGISTRY');
      expect(c.errors()).toEqual([]);
      expect(registry).toMatchObject({ kind: 'holder', countDelta: 12, perIteration: 1 });
      expect(registry!.where[0]).toMatch(/registryService\.py:13 +__main__\._JOB_REGISTRY/);
      expect(registry!.holds?.find((h) => h.name === '__main__.Job')).toMatchObject({ kind: 'type', countDelta: 12, perIteration: 1 });
    } finally {
      agent.close();
      await target.stop();
    }
  }, 60_000);
});
