// Suspects in soaks, and the heap-size guard on snapshots, through the real CLI on the Node
// node-service fixture: a soak names the leaking constructor after its measurement as a counted
// run does, and a target whose V8 heap is over 512 MB gets no snapshot, with the reason in the report.
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { Report } from '../report/schema.ts';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { processesWithRunCookie, REPO_ROOT, runSeep } from '../../fixtures/testing/runSeep.ts';
import { MAX_NODE_HEAP_FOR_SNAPSHOTS } from '../runner/suspectSession.ts';

const SERVER = path.join(REPO_ROOT, 'fixtures/node-service/server.mjs');

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = path.join(tempDir('seep-soak-suspects-'), `${name}.scenario.mjs`);
  await writeFile(file, `export default {
    name: '${name}',
    service: { command: ['node', '${SERVER}', '--port', '{port}'], ready: { http: '/healthz' }, env: { VARIANT: process.env.VARIANT, STATE_KB: process.env.STATE_KB ?? '128' } },
    step: async ({ http }) => {
      const res = await http.post('/api/orders', { json: { symbol: 'ACME', qty: 1 } });
      if (res.status !== 200) throw new Error('orders answered ' + res.status);
    },
    ${body}
  };`);
  return file;
}

describe('suspects in a soak', () => {
  it('names the leaking RequestState after a leaky soak, and nothing growing after the fixed one', async () => {
    const file = await scenarioFile('node-service soak', `duration: '14s', warmup: '4s', interval: '100ms',`);
    const [leaky, fixed] = await Promise.all(
      (['leaky', 'fixed'] as const).map((variant) => runSeep(['run', file], { env: { VARIANT: variant }, timeoutMs: 120_000 })),
    );
    const lr = (await leaky!.report())!.scenarios[0]!;
    const fr = (await fixed!.report())!.scenarios[0]!;
    expect(lr.error, leaky!.stderr).toBeUndefined();
    expect(fr.error, fixed!.stderr).toBeUndefined();

    const top = lr.suspects.slice(0, 3);
    const state = top.find((s) => s.name === 'RequestState');
    expect(state, JSON.stringify(top, null, 1)).toBeDefined();
    expect(state!.perIteration).toBeGreaterThanOrEqual(0.9); // one per order
    expect(state!.where.join(' ')).toMatch(/requestStates|tick/);
    expect(fr.suspects.filter((s) => s.perIteration >= 0.5)).toEqual([]);

    // The slope is the measured phase's: the snapshots taken after it (which lift a Node target's
    // RSS by hundreds of MB) are not in the fit. Slope x measured time agrees with the growth
    // between the baseline and the end of the measured phase.
    const b = lr.series.boundaries;
    const start = b.phase.lastIndexOf('warmup');
    const end = b.phase.lastIndexOf('measured');
    const grew = b.values.rss[end]! - b.values.rss[start]!;
    const slope = lr.checks.find((c) => c.id === 'leak.rss')!.trend!;
    expect(slope.per).toBe('hour');
    const ratio = (slope.slope * (b.t[end]! - b.t[start]!)) / 3.6e6 / grew;
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
    for (const run of [leaky!, fixed!]) expect(await processesWithRunCookie(run.pid)).toEqual([]);

    // the suspects are in the sample stream: a report rebuilt from it names them too
    const runDir = path.join(leaky!.reportDir, (await readdir(leaky!.reportDir, { withFileTypes: true })).find((d) => d.isDirectory())!.name);
    await rm(path.join(runDir, 'report.json'));
    const rebuilt = await runSeep(['report', runDir]);
    expect(rebuilt.stdout).toMatch(/rebuilt from the sample stream/);
    const again = (JSON.parse(await readFile(path.join(runDir, 'report.json'), 'utf8')) as Report).scenarios[0]!;
    expect(again.suspects).toEqual(lr.suspects);
  }, 150_000);
});

describe('the heap-size guard on snapshots', () => {
  it(`takes no snapshot of a V8 heap over ${MAX_NODE_HEAP_FOR_SNAPSHOTS / 1e6} MB, and says so`, async () => {
    // STATE_KB=8192 makes each leaky order hold about 44 MB of heap: 15 orders hold over 600 MB
    const file = await scenarioFile('node-service big heap', `warmup: 3, iterations: 12,`);
    const run = await runSeep(['run', file], { env: { VARIANT: 'leaky', STATE_KB: '8192' }, timeoutMs: 120_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(s.error, run.stderr).toBeUndefined();
    expect(s.probeErrors?.join('\n')).toMatch(/no suspects named: the target's V8 heap holds \d+ MB, over the 512 MB/);
    expect(s.suspects.filter((x) => x.kind === 'constructor')).toEqual([]);
    // the leak itself is still caught, from RSS
    expect(s.verdict).toBe('fail');
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  }, 150_000);
});
