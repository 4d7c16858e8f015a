// The Node agent's 'allocationSites' op on a real service: V8's sampling heap profiler, started at
// the baseline, names where what survives the GC was allocated; what the fixed twin frees is gone.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../fixtures/testing/tempDir.ts';
import { connectAgent, type AgentClient } from '../agentClient.ts';
// the agent's own CJS module, as the agent loads it
const { paceInterval } = createRequire(import.meta.url)('./allocationSites.cjs') as { paceInterval: (allocatedPerSecond: number, samplesPerSecond: number) => number };
import { nodeAgentPath, startTarget, agentTargetsDir } from '../../../fixtures/agent-targets/targets.ts';

const execFileP = promisify(execFile);
const dir = tempDir('seep-agent-sites-');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startService(mode: string): Promise<{ agent: AgentClient; port: number }> {
  const sock = path.join(dir, `${mode}-${Date.now()}.sock`);
  const t = await startTarget([process.execPath, path.join(agentTargetsDir, 'listenerService.cjs'), mode], { NODE_OPTIONS: `--require ${nodeAgentPath}`, SEEP_AGENT_SOCKET: sock }, /^listening \d+/);
  cleanups.push(t.stop);
  const agent = await connectAgent(sock, { timeoutMs: 5000 });
  cleanups.push(() => agent.close());
  return { agent, port: Number(t.ready.split(' ')[1]) };
}

async function hit(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}/`)).text();
}

type Sites = { sites: Record<string, number>; samples: Record<string, number>; givenBack: Record<string, number> };

async function sitesAfter(mode: string, requests: number): Promise<Sites> {
  const { agent, port } = await startService(mode);
  await hit(port, 5);
  await expect(agent.request('allocationSites', { action: 'read' })).rejects.toThrow(/no baseline/);
  await agent.request('gc');
  await agent.request('allocationSites', { action: 'baseline' });
  await hit(port, requests);
  await agent.request('gc');
  return (await agent.request('allocationSites', { action: 'read', limit: 50 })) as Sites;
}

/** Live bytes allocated on the service's own lines (not inside Node 'via' them: HTTP keep-alive state, bounded). */
function ownLines(got: Sites): number {
  return Object.entries(got.sites).filter(([k]) => k.includes('listenerService.cjs') && !k.includes(' via ')).reduce((n, [, b]) => n + b, 0);
}

describe("Node agent: 'allocationSites'", () => {
  it('names the lines of the service whose allocations survive, with their live bytes, and none of its own', async () => {
    const got = await sitesAfter('leaky', 400);
    // each request keeps a RequestState and the closures over it: over 100 bytes each
    expect(ownLines(got), JSON.stringify(got.sites, null, 1)).toBeGreaterThan(400 * 50);
    expect(Object.keys(got.sites)).toContainEqual(expect.stringMatching(/^RequestState .*listenerService\.cjs:\d+$/));
    expect(Object.keys(got.sites).some((k) => /seepAgent|allocationSites\.cjs/.test(k))).toBe(false);
    expect(Object.values(got.samples).reduce((a, b) => a + b, 0)).toBeGreaterThan(10);
  });

  it('the fixed twin keeps next to nothing of what its own lines allocate', async () => {
    const got = await sitesAfter('fixed', 400);
    expect(ownLines(got), JSON.stringify(got.sites, null, 1)).toBeLessThan(400 * 10);
  });

  it('says what a site gave back of what it held over two reads: a bounded cache of requests does, a leak does not', async () => {
    const gaveBack = async (mode: string): Promise<{ held: number; gave: number }> => {
      const { agent, port } = await startService(mode);
      await hit(port, 5);
      // a sample every 64 bytes on average: nearly every state (~50 bytes) sampled, so the test does not ride on chance
      await agent.request('allocationSites', { action: 'baseline', samplingInterval: 64 });
      let got: Sites | null = null;
      // the bounded twin keeps its last 20 states: each lives across a few reads 10 requests apart, then goes
      for (let read = 0; read < 8; read++) {
        await hit(port, 10);
        await agent.request('gc');
        // every site: at 64 bytes Node's own sites are many more than the default's top 20
        got = (await agent.request('allocationSites', { action: 'read', limit: 1000 })) as Sites;
      }
      const site = Object.keys(got!.sites).find((k) => /^RequestState .*listenerService\.cjs:\d+$/.test(k));
      return { held: site ? got!.sites[site]! : 0, gave: site ? got!.givenBack[site] ?? 0 : 0 };
    };
    const [leaky, bounded] = await Promise.all([gaveBack('leaky'), gaveBack('bounded')]);
    // the bounded twin held 20 states at most, each across two reads, and gave back the 60 before them
    expect(leaky.held, JSON.stringify(leaky)).toBeGreaterThan(0);
    expect(leaky.gave, JSON.stringify(leaky)).toBe(0);
    expect(bounded.gave, JSON.stringify(bounded)).toBeGreaterThan(0);
  });

  it("a forced GC that serves the sites' read takes the profile as its first pass, and the read walks that profile", async () => {
    const { agent, port } = await startService('leaky');
    await hit(port, 5);
    // no sampling yet: the first pass is a plain GC
    expect(await agent.request('gc', { sites: true })).not.toHaveProperty('profiled');
    await agent.request('allocationSites', { action: 'baseline' });
    await hit(port, 200);
    expect(await agent.request('gc', { sites: true })).toMatchObject({ forced: true, profiled: true });
    // what the service keeps after the GC is not in the profile that GC took
    await hit(port, 600);
    const atGc = ownLines((await agent.request('allocationSites', { action: 'read', limit: 50 })) as Sites);
    // a GC with no sites to serve keeps no profile: the next read takes a profile of its own
    await agent.request('gc');
    const fresh = ownLines((await agent.request('allocationSites', { action: 'read', limit: 50 })) as Sites);
    expect(atGc).toBeGreaterThan(200 * 50);
    expect(fresh, `at the GC ${atGc}, after 600 more ${fresh}`).toBeGreaterThan(atGc * 2);
  });
});

describe('paceInterval', () => {
  it('keeps 1 KiB for a target that allocates little, and widens by powers of two to at most the asked samples a second', () => {
    expect(paceInterval(0, 2000)).toBe(1024);
    expect(paceInterval(2_000_000, 2000)).toBe(1024);
    expect(paceInterval(2_100_000, 2000)).toBe(2048);
    // fixtures/node-service's GET /healthz under autocannon: 90-140 MB/s
    expect(paceInterval(120e6, 2000)).toBe(65536);
    expect(paceInterval(1e12, 2000)).toBe(1 << 20);
  });
});

describe("the agent's own record of live samples", () => {
  // A cache of 20 entries that turns over between boundaries, every sample alive at a read allocated
  // since the baseline (fixtures/agent-targets/turnoverCache.cjs): the agent's bytes in the heap as
  // seep judges it (used, code apart, plus external), after 6 boundaries, with 10x the samples alive.
  // As a Map of objects the record was ~90 bytes a sample in that heap (30 KB at ~280 samples, 245 KB
  // at ~2700), and as typed arrays counted in external memory 34 bytes (the last read's record and
  // the one kept for the next): the labelled corpus' LRU trap read it as growth in the measured phase.
  it('does not grow in the judged heap with the samples the target keeps alive', async () => {
    const own = async (kb: number) => {
      const { stdout } = await execFileP(process.execPath, [path.join(agentTargetsDir, 'turnoverCache.cjs'), String(kb), '6'], { timeout: 50_000 });
      return JSON.parse(stdout) as { samples: number; ownBytes: number; external: number };
    };
    const small = await own(600);
    const large = await own(6000);
    const why = `600 KB kept: ${JSON.stringify(small)}; 6000 KB: ${JSON.stringify(large)}`;
    // the samples are there to be recorded: about one a KiB
    expect(large.samples, why).toBeGreaterThan(4000);
    expect(large.samples, why).toBeGreaterThan(small.samples * 5);
    // a V8 allocation of its own moves the heap after GC by up to ~40 KB from one read to the next
    expect(large.ownBytes - small.ownBytes, why).toBeLessThan(64 * 1024);
  });
});
