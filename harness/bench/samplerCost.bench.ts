// Cost of one sample of a real target tree (python3 parent + 2 children + 4 tcp connections):
// seep's /proc sampler, with and without the cookie scan, against pidusage on the same pids. A full
// read costs more than pidusage because it reads more: fds, pss, and the tcp tables, whose every
// read walks the kernel's whole established hash. 'tree rss+cpu only' is the like-for-like line.
// Rounds alternate between the methods so a noisy neighbour hurts them alike.
import { performance } from 'node:perf_hooks';
import pidusage from 'pidusage';
import { killTree } from '../probes/killTree.ts';
import { createCpuMeter } from '../probes/cpuMeter.ts';
import { listPids } from '../probes/procfs.ts';
import { listTree } from '../probes/processTree.ts';
import { newCookie } from '../probes/runCookie.ts';
import { createSampler } from '../probes/sampler.ts';
import { startTestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';

const ROUNDS = 6;
const PER_ROUND = 50; // 300 samples per method

interface Method {
  name: string;
  run: () => Promise<unknown>;
  ms: number[];
  /** process CPU (user + system, all threads) per call */
  cpuMs: number[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export default async function samplerCost(): Promise<void> {
  const cookie = newCookie();
  const target = await startTestTarget('treeTarget.py', ['4'], cookie);
  try {
    const pids = [target.pid, ...target.ready.map(Number)];
    const sampler = createSampler({ rootPids: () => [target.pid], cookie });
    const withPss = createSampler({ rootPids: () => [target.pid], cookie, pss: 'always' });
    const first = await sampler.read('measured', 0, 0);
    if (first.values.children !== 2 || first.values.sockets !== 9) {
      throw new Error(`unexpected target: ${JSON.stringify(first.values)}`);
    }
    await pidusage(pids);
    const meter = createCpuMeter();
    const methods: Method[] = [
      // the data pidusage gives (rss and cpu), for the whole tree
      { name: 'seep tree rss+cpu only', run: async () => meter.measure(await listTree([target.pid])), ms: [], cpuMs: [] },
      { name: 'seep read() timed', run: () => sampler.read('measured', null, 0), ms: [], cpuMs: [] },
      { name: 'seep read() timed, with pss', run: () => withPss.read('measured', null, 0), ms: [], cpuMs: [] },
      // what the runner asks at an iteration boundary: pss and the cookie scan too
      { name: 'seep read() boundary', run: () => sampler.read('measured', 0, 0, { escaped: true }), ms: [], cpuMs: [] },
      { name: 'pidusage(3 pids)', run: () => pidusage(pids), ms: [], cpuMs: [] },
      { name: 'pidusage(root pid)', run: () => pidusage(target.pid), ms: [], cpuMs: [] },
    ];
    for (let round = 0; round < ROUNDS; round++) {
      for (const m of methods) {
        for (let i = 0; i < PER_ROUND; i++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          await m.run();
          m.ms.push(performance.now() - t0);
          const c = process.cpuUsage(c0);
          m.cpuMs.push((c.user + c.system) / 1000);
        }
      }
    }
    console.log(`target: 3 processes, 9 tcp sockets; host has ${listPids().length} processes; ${ROUNDS * PER_ROUND} samples per method`);
    const anchor = median(methods.find((m) => m.name === 'pidusage(3 pids)')!.ms);
    for (const m of methods) {
      const med = median(m.ms);
      console.log(
        `${m.name.padEnd(30)} wall median ${med.toFixed(3)} ms, mean ${mean(m.ms).toFixed(3)} ms; cpu mean ${mean(m.cpuMs).toFixed(3)} ms;` +
          ` pidusage(3 pids)/this ${(anchor / med).toFixed(2)}x`,
      );
    }
    const errors = [...sampler.errors(), ...withPss.errors()];
    if (errors.length > 0) console.log(`probe errors: ${errors.join('; ')}`);
  } finally {
    pidusage.clear();
    await killTree([target.pid], cookie, { graceMs: 1000 });
  }
}
