// Load with seep watching against load alone, on one server started once (fixtures/node-service,
// GET /healthz, the cheapest request it answers, so seep's share is at its largest): rounds that
// alternate autocannon on its own with autocannon driven through seep's load phases (the slices
// of harness/drivers/loadGenerator.ts) while seep samples the tree at 4 Hz and, every 2 s (a soak's
// shortest checkpoint), forces a GC through the Node agent, reads the boundary and asks the agent
// for the runtime heap. Target of issue #12: >= 90% of standalone autocannon's requests per second.
import autocannon from 'autocannon';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { runLoad } from '../drivers/loadGenerator.ts';
import { startRunTarget } from '../runner/restartableTarget.ts';
import { COOKIE_ENV, newCookie } from '../probes/runCookie.ts';
import { createSampler } from '../probes/sampler.ts';
import { planRun } from '../scenario/runPlan.ts';
import type { Scenario } from '../scenario/types.ts';
import { median, printTarget } from './benchTarget.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROUNDS = 6;
/**
 * One slice of the engine's load for a soak of 5 minutes or more (min(5 s, max(1 s, duration / 60))),
 * so both sides start one autocannon per round and pay its start alike.
 */
const ROUND_MS = 5000;
const SLICE_MS = 5000;
const CONNECTIONS = 10;
const CHECKPOINT_MS = 2000;

const scenario: Scenario = {
  name: 'bench: load overhead',
  service: { command: ['node', 'fixtures/node-service/server.mjs', '--port', '{port}'], ready: { http: '/healthz' } },
  load: { requests: [{ path: '/healthz' }], connections: CONNECTIONS, phases: [{ duration: `${ROUND_MS}ms` }] },
  step: () => undefined,
};

function standalone(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/healthz`, connections: CONNECTIONS, duration: ROUND_MS / 1000 }, (err, r) => (err ? reject(err) : resolve(r.requests.total)));
  });
}

export default async function loadOverhead(): Promise<void> {
  const plan = planRun(scenario, 'bench.scenario.ts');
  const cookie = newCookie();
  const abort = new AbortController();
  const target = await startRunTarget(plan, {
    repoRoot,
    env: { ...(process.env as Record<string, string>), [COOKIE_ENV]: cookie },
    onOutput: () => undefined,
    signal: abort.signal,
  });
  try {
    const url = target.baseUrl()!;
    const agent = target.agent();
    if (!agent) throw new Error(`no agent in the target: ${target.agentProblem}`);
    await standalone(url); // warm the server's JIT before either side is counted
    const alone: number[] = [];
    const watched: number[] = [];
    let boundaries = 0;
    let timed = 0;
    const runAlone = async (): Promise<void> => {
      const t0 = performance.now();
      alone.push((await standalone(url)) / ((performance.now() - t0) / 1000));
    };
    const runWatched = async (): Promise<void> => {
      const sampler = createSampler({ rootPids: () => target.rootPids(), cookie });
      const start = performance.now();
      const now = () => performance.now() - start;
      let requests = 0;
      sampler.startTimer(4, () => { timed++; }, now);
      const load = runLoad(plan.load!, {
        baseUrl: () => url, totalMs: ROUND_MS, sliceMs: SLICE_MS, now,
        onInterval: (i) => { requests += i.requests; }, onError: (m) => { throw new Error(m); }, signal: abort.signal,
      }).done;
      let over = false;
      void load.then(() => { over = true; });
      while (!over) {
        await Promise.race([load, new Promise((r) => setTimeout(r, CHECKPOINT_MS))]);
        if (over) break;
        await target.gc();
        await sampler.read('measured', boundaries++, now(), { escaped: true });
        for (const a of target.agents()) await a.request('memory');
      }
      await sampler.stopTimer();
      watched.push(requests / (now() / 1000));
    };
    // the machine is shared: the order flips every round so a drift in its load favours neither side,
    // and the ratio is the median of the rounds' own ratios
    for (let round = 0; round < ROUNDS; round++) {
      if (round % 2 === 0) {
        await runAlone();
        await runWatched();
      } else {
        await runWatched();
        await runAlone();
      }
    }
    const ratio = median(watched.map((w, i) => w / alone[i]!));
    const a = median(alone);
    const w = median(watched);
    console.log(`GET /healthz, ${CONNECTIONS} connections, ${ROUNDS} rounds of ${ROUND_MS / 1000} s each way, alternating; seep's load in slices of ${SLICE_MS / 1000} s`);
    console.log(`autocannon alone:          ${alone.map((x) => x.toFixed(0)).join(', ')} req/s`);
    console.log(`through seep, watched:     ${watched.map((x) => x.toFixed(0)).join(', ')} req/s (${timed} timed reads, ${boundaries} boundaries with a forced GC and a heap read)`);
    printTarget({ what: 'load through seep with sampling and agents on', limit: '>= 90% of autocannon alone', anchor: `autocannon alone ${a.toFixed(0)} req/s (median)`, measured: `${w.toFixed(0)} req/s (median)`, ratio: `${(ratio * 100).toFixed(1)}% (median of the rounds' ratios)`, pass: ratio >= 0.9 });
  } finally {
    abort.abort();
    await target.stop();
  }
}
