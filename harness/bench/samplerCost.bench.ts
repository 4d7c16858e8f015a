// Cost of one sample of a real target tree (python3 parent + 2 children + 4 tcp connections, and a
// tree of 10), against pidusage on the same pids, in alternating rounds so a noisy neighbour hurts
// every method alike. Targets of issue #12:
// - a timed read of the whole tree (rss, cpu, fds by kind, threads, children, socket count) <= 0.5 ms
//   for 3 and for 10 processes: the tcp tables are read only when the tree's socket inodes changed
//   (a timed read here reuses the count) and at every boundary;
// - the like-for-like 'tree rss+cpu' (what pidusage gives) >= 8x cheaper than pidusage(3 pids):
//   treeUsage.ts, the function the sampler's every read starts with (a stat and a children file per
//   process, each one pread of a kept descriptor, parsed in place).
// Before #12: rss+cpu 0.063 ms against pidusage's 0.076 ms (1.2x), a timed read 1.59 ms, a boundary
// read 3.22 ms (on a host of few sockets; 5.66 and 7.7 ms on one with more).
import { performance } from 'node:perf_hooks';
import pidusage from 'pidusage';
import { killTree } from '../probes/killTree.ts';
import { listPids } from '../probes/procfs.ts';
import { createTreeUsageReader } from '../probes/treeUsage.ts';
import { newCookie } from '../probes/runCookie.ts';
import { createSampler } from '../probes/sampler.ts';
import { startTestTarget } from '../../fixtures/probe-targets/startTestTarget.ts';
import { median, ms, printTarget } from './benchTarget.ts';

const ROUNDS = 6;
const PER_ROUND = 50; // 300 samples per method

interface Method {
  name: string;
  run: () => unknown;
  ms: number[];
  /** process CPU (user + system, all threads) per call */
  cpuMs: number[];
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

export default async function samplerCost(): Promise<void> {
  const cookie = newCookie();
  const target = await startTestTarget('treeTarget.py', ['4'], cookie);
  const ten = await startTestTarget('treeTarget.py', ['0', '9'], cookie);
  try {
    const pids = [target.pid, ...target.ready.map(Number)];
    const sampler = createSampler({ rootPids: () => [target.pid], cookie });
    const sampler10 = createSampler({ rootPids: () => [ten.pid], cookie });
    const withPss = createSampler({ rootPids: () => [target.pid], cookie, pss: 'always' });
    const first = await sampler.read('measured', 0, 0);
    if (first.values.children !== 2 || first.values.sockets !== 9) {
      throw new Error(`unexpected target: ${JSON.stringify(first.values)}`);
    }
    const first10 = await sampler10.read('measured', 0, 0);
    if (first10.pids.length !== 10) throw new Error(`unexpected tree of ${first10.pids.length}`);
    await pidusage(pids);
    // the function the sampler's reads start with, on its own
    const usage = createTreeUsageReader();
    const methods: Method[] = [
      // the data pidusage gives (rss and cpu), for the whole tree
      { name: 'seep tree rss+cpu only', run: () => usage.read([target.pid]), ms: [], cpuMs: [] },
      { name: 'seep read() timed', run: () => sampler.read('measured', null, 0), ms: [], cpuMs: [] },
      { name: 'seep read() timed, 10 procs', run: () => sampler10.read('measured', null, 0), ms: [], cpuMs: [] },
      { name: 'seep read() timed, with pss', run: () => withPss.read('measured', null, 0), ms: [], cpuMs: [] },
      // what the runner asks at an iteration boundary: pss, the tcp tables and the cookie scan too
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
    const tableReads = sampler.tcpTableReads();
    usage.close();
    console.log(`target: 3 processes, 9 tcp sockets (and a tree of 10); host has ${listPids().length} processes; ${ROUNDS * PER_ROUND} samples per method`);
    const byName = (n: string): Method => methods.find((m) => m.name === n)!;
    const anchorMethod = byName('pidusage(3 pids)');
    const anchor = median(anchorMethod.ms);
    for (const m of methods) {
      const med = median(m.ms);
      console.log(
        `${m.name.padEnd(30)} wall median ${med.toFixed(3)} ms, mean ${mean(m.ms).toFixed(3)} ms; cpu mean ${mean(m.cpuMs).toFixed(3)} ms;` +
          ` pidusage(3 pids)/this ${(anchor / med).toFixed(2)}x`,
      );
    }
    // every boundary read reads the tables; the timed reads of an unchanged tree never do
    console.log(`tcp table reads: ${tableReads} in ${1 + ROUNDS * PER_ROUND * 2} reads of the 3-process tree (${1 + ROUNDS * PER_ROUND} at boundaries)`);
    const errors = [...sampler.errors(), ...sampler10.errors(), ...withPss.errors()];
    if (errors.length > 0) console.log(`probe errors: ${errors.join('; ')}`);
    await Promise.all([sampler.stopTimer(), sampler10.stopTimer(), withPss.stopTimer()]);

    const anchorText = `pidusage(3 pids) ${ms(anchor)}`;
    for (const name of ['seep read() timed', 'seep read() timed, 10 procs']) {
      const med = median(byName(name).ms);
      printTarget({ what: `${name} (rss, cpu, fds by kind, threads, children, sockets)`, limit: '<= 0.5 ms', anchor: anchorText, measured: ms(med), ratio: `${(med / anchor).toFixed(2)}x the anchor`, pass: med <= 0.5 });
    }
    const rssCpu = median(byName('seep tree rss+cpu only').ms);
    printTarget({ what: 'seep tree rss+cpu, cheaper than pidusage', limit: '>= 8x', anchor: anchorText, measured: ms(rssCpu), ratio: `${(anchor / rssCpu).toFixed(1)}x cheaper`, pass: anchor / rssCpu >= 8 });
  } finally {
    pidusage.clear();
    await killTree([target.pid, ten.pid], cookie, { graceMs: 1000 });
  }
}
