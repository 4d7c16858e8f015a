// One Sample of the target's whole process tree from /proc, on demand (iteration boundaries) or on
// a timer. Reads never overlap: a read waits for the one in flight, so tick deltas stay consistent.
import { performance } from 'node:perf_hooks';
import type { Metric, Phase, Sample, TcpState } from '../report/sampleSchema.ts';
import type { Leftover } from '../report/runReportSchema.ts';
import { readFds } from './fds.ts';
import { createFdTable, type TreeFds } from './fdTable.ts';
import { describeProcess, readPss, readStatSync } from './procfs.ts';
import { listTree, type ProcInfo } from './processTree.ts';
import { createTreeUsageReader } from './treeUsage.ts';
import { createTreeTcpCounter } from './treeTcpCounter.ts';
import { createCookieScan } from './runCookie.ts';

export interface SamplerOptions {
  rootPids: () => number[];
  cookie: string;
  procRoot?: string;
  /** the runtime heap from the agent, when there is one */
  heap?: () => Promise<number | null>;
  /** usage of the target's memory cgroup (memoryLimit), when it has one: one small file read */
  cgroupUsage?: () => number | null;
  /**
   * When to read PSS from smaps_rollup. The kernel walks every page table of the target to answer
   * (3 ms for three 10 MB python processes here, far more for a big heap) under the target's mmap
   * lock, so by default only boundary reads (iteration !== null) pay for it; timed samples carry null.
   */
  pss?: 'boundaries' | 'always' | 'never';
  /**
   * The share of wall time timed reads may spend reading the tcp tables when the tree's sockets
   * changed (default 0.01: a read that cost 100 ms waits 10 s for the next), and boundaries asking
   * the kernel for the states of a tree that kept its sockets where the tables are dear.
   */
  tcpTableShare?: number;
  /**
   * A boundary whose tree kept its sockets asks `ss` for their states instead of reading the tables
   * when the last table read took longer than this many ms (default 10: ss costs a spawn, 5-15 ms
   * here, where the table of a few hundred sockets costs 2 ms, of 2,000 sockets 4-5 ms, and more
   * while the read overlaps the boundary's other work) and longer than the last ss did.
   */
  ssAboveMs?: number;
}

export interface ReadOptions {
  /** scan every process's environ for the run cookie (expensive: ask at iteration boundaries only) */
  escaped?: boolean;
}

export interface Identities {
  processes: Leftover[];
  sockets: Leftover[];
  fds: Leftover[];
}

export interface Sampler {
  read(phase: Phase, iteration: number | null, t: number, opts?: ReadOptions): Promise<Sample>;
  identities(): Promise<Identities>;
  /** probe problems seen so far, deduplicated */
  errors(): string[];
  /** how many reads have asked the kernel for tcp states (the others reused the last count) */
  tcpTableReads(): number;
  /** how they asked: the tables, ss (filtered by port, or by state), or the sock_diag helper; and how many boundaries kept the states they knew (tcpTableShare) */
  tcpAsked(): Record<'tables' | 'ssPorts' | 'ssUnsettled' | 'helper' | 'kept', number>;
  /** the phase stamped on timed samples from now on (default 'warmup') */
  setPhase(phase: Phase): void;
  startTimer(hz: number, onSample: (s: Sample) => void, now: () => number): void;
  /**
   * stops the timer and waits for a read in flight; closes the /proc files kept open for timed
   * reads (a later read opens what it needs again)
   */
  stopTimer(): Promise<void>;
}

const isDead = (p: ProcInfo): boolean => p.state === 'Z' || p.state === 'X';

// Messages name pids, so a flapping probe could add one per sample; a long soak must not grow on it.
const MAX_ERRORS = 100;

function createProbeErrors(): { add: (message: string) => void; list: () => string[] } {
  const seen = new Set<string>();
  let dropped = 0;
  return {
    add(message) {
      if (seen.has(message)) return;
      if (seen.size < MAX_ERRORS) seen.add(message);
      else dropped += 1;
    },
    list() {
      return dropped > 0 ? [...seen, `(${dropped} more probe errors not kept)`] : [...seen];
    },
  };
}

export function createSampler(opts: SamplerOptions): Sampler {
  const procRoot = opts.procRoot ?? '/proc';
  const usage = createTreeUsageReader({ procRoot });
  const problems = createProbeErrors();
  const fdTable = createFdTable({ procRoot });
  const cookieScan = createCookieScan(opts.cookie, procRoot);
  const tcpCounter = createTreeTcpCounter({ procRoot, onError: problems.add, tcpTableShare: opts.tcpTableShare, ssAboveMs: opts.ssAboveMs });
  let lastEscaped: number | null = null;
  /** the last PSS walk of each process, and its RSS then */
  let pssKnown = new Map<number, { starttime: number; rssPages: number; pss: number }>();
  let phase: Phase = 'warmup';
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let timerRun: Promise<void> | null = null;
  let stopped = true;

  /** fds of the live processes; null when one that is still running could not be read */
  function readTreeFds(procs: ProcInfo[], boundary: boolean): TreeFds | null {
    const r = fdTable.read(procs.filter((p) => !isDead(p)), boundary, isGoneNow); // a zombie has released its fds
    if (r.ok) return r.fds;
    problems.add(r.error);
    return null;
  }

  function isGoneNow(pid: number): boolean {
    const stat = readStatSync(pid, procRoot);
    return stat === null || stat.state === 'Z' || stat.state === 'X';
  }

  /**
   * PSS of the tree. smaps_rollup walks the process's page tables under its mmap lock (1-2 ms for a
   * 15 MB python process on a loaded machine), so a process whose RSS has not moved by a page since
   * its last walk keeps that walk's PSS: its own pages are those it had then, and its PSS moves only
   * when another process maps or lets go of pages it shares with it.
   */
  async function readTreePss(procs: ProcInfo[]): Promise<number | null> {
    let total = 0;
    const live = new Map<number, { starttime: number; rssPages: number; pss: number }>();
    for (const p of procs) {
      if (isDead(p)) continue;
      const known = pssKnown.get(p.pid);
      if (known && known.starttime === p.starttime && known.rssPages === p.rssPages) {
        live.set(p.pid, known);
        total += known.pss;
        continue;
      }
      let failed = false;
      const pss = await readPss(p.pid, procRoot, (msg) => {
        failed = true;
        problems.add(msg);
      });
      if (failed) return null;
      if (pss !== null) live.set(p.pid, { starttime: p.starttime, rssPages: p.rssPages, pss });
      total += pss ?? 0; // null without a message: it exited meanwhile
    }
    pssKnown = live;
    return total;
  }

  async function readEscaped(procs: ProcInfo[]): Promise<number[]> {
    const inTree = new Set(procs.map((p) => p.pid));
    return cookieScan.scan().filter((pid) => !inTree.has(pid));
  }

  async function readNow(ph: Phase, iteration: number | null, t: number, readOpts: ReadOptions): Promise<Sample> {
    if (iteration !== null) tcpCounter.prefetch(); // the kernel walks its tcp hash while the fds are read
    const tree = usage.read(opts.rootPids());
    const { procs } = tree;
    const values: Record<Metric, number | null> = {
      rss: tree.rssBytes, pss: null, cpu: tree.cpuPercent, heapUsed: null, fds: null, fdFile: null, fdSocket: null, fdPipe: null,
      fdOther: null, sockets: null, threads: tree.threads, children: tree.children, escaped: lastEscaped, heapCommitted: null, heapBlocks: null, handles: null,
      cgroupMemory: opts.cgroupUsage?.() ?? null,
      // the disk and the steps are read at boundaries by the evidence collectors, not here
      diskBytes: null, tmpBytes: null, tmpEntries: null, stepMs: null, stepCpuMs: null, heapYoung: null,
    };
    let tcp: Partial<Record<TcpState, number>> = {};
    const fds = readTreeFds(procs, iteration !== null);
    // The tcp tables, the pss walks and the cookie scan overlap: the kernel formats a table (tens of
    // ms at 10,000 host connections) and walks the page tables on libuv's pool threads while this
    // one reads every process's environ.
    let tableRead: Promise<void> | undefined;
    if (fds) {
      values.fdFile = fds.counts.file;
      values.fdSocket = fds.counts.socket;
      values.fdPipe = fds.counts.pipe;
      values.fdOther = fds.counts.other;
      // the kernel's count: ahead of the kinds when a timed read left a big tree's listing for later
      values.fds = fds.open;
      tableRead = tcpCounter.count(fds, iteration !== null).then((counted) => {
        if (!counted) return;
        values.sockets = counted.sockets;
        tcp = counted.tcp;
      });
    }
    const pssMode = opts.pss ?? 'boundaries';
    const pssRead = pssMode === 'always' || (pssMode === 'boundaries' && iteration !== null)
      ? readTreePss(procs).then((pss) => { values.pss = pss; })
      : undefined;
    // after a turn of the event loop, so the table's read is under way before this thread scans
    const escapedRead = readOpts.escaped
      ? new Promise((r) => setImmediate(r)).then(() => readEscaped(procs)).then((escaped) => {
        lastEscaped = escaped.length;
        values.escaped = lastEscaped;
      })
      : undefined;
    await Promise.all([tableRead, pssRead, escapedRead]);

    if (opts.heap) {
      values.heapUsed = await opts.heap().catch((err: unknown) => {
        problems.add(`heap probe failed: ${err instanceof Error ? err.message : String(err)}`);
        return null;
      });
    }
    return { t, iteration, phase: ph, values, tcp, pids: procs.map((p) => p.pid).sort((a, b) => a - b) };
  }

  /** Runs reads one after another, whoever asks. */
  function serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  }

  async function identitiesNow(): Promise<Identities> {
    const procs = await listTree(opts.rootPids(), procRoot);
    const escaped = await readEscaped(procs);
    const processes: Leftover[] = [];
    for (const p of procs) processes.push({ kind: 'process', id: String(p.pid), detail: await describeProcess(p.pid, procRoot) });
    for (const pid of escaped) {
      processes.push({ kind: 'process', id: String(pid), detail: `escaped the tree: ${await describeProcess(pid, procRoot)}` });
    }
    const fds: Leftover[] = [];
    const owner = new Map<number, number>();
    const byPid = new Map<number, number[]>();
    const live = procs.filter((p) => !isDead(p));
    for (const p of live) {
      const snap = await readFds(p.pid, procRoot);
      if (!snap.ok) {
        if (!isGoneNow(p.pid)) problems.add(snap.error);
        continue;
      }
      if (snap.socketInodes.length > 0) byPid.set(p.pid, snap.socketInodes);
      for (const e of snap.entries) {
        fds.push({ kind: 'fd', id: `${p.pid}:${e.fd}`, detail: e.target });
        if (e.kind === 'socket') {
          const inode = Number(e.target.slice(8, -1));
          if (!owner.has(inode)) owner.set(inode, p.pid);
        }
      }
    }
    const sockets: Leftover[] = [];
    const tables = await tcpCounter.tables(byPid);
    for (const [inode, pid] of owner) {
      const entry = tables?.get(inode);
      if (entry) sockets.push({ kind: 'socket', id: String(inode), detail: `${entry.state} ${entry.local} -> ${entry.remote} (pid ${pid})` });
    }
    return { processes, sockets, fds };
  }

  return {
    read(ph, iteration, t, readOpts = {}) {
      return serialize(() => readNow(ph, iteration, t, readOpts));
    },
    identities() {
      return serialize(identitiesNow);
    },
    errors: problems.list,
    tcpTableReads: tcpCounter.reads,
    tcpAsked: tcpCounter.asked,
    setPhase(p) {
      phase = p;
    },
    startTimer(hz, onSample, now) {
      if (!stopped) throw new Error('sampler timer already running');
      if (!(hz > 0)) throw new Error(`sample rate must be above 0 Hz, got ${hz}`);
      stopped = false;
      const period = 1000 / hz;
      let due = performance.now() + period;
      const tick = (): void => {
        timerRun = (async () => {
          try {
            onSample(await serialize(() => readNow(phase, null, now(), {})));
          } catch (err) {
            problems.add(`timed sample failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        })();
        void timerRun.then(() => {
          if (stopped) return;
          // A read that overran its period skips the missed ticks rather than firing them in a burst.
          due = Math.max(due + period, performance.now() + 1);
          timer = setTimeout(tick, due - performance.now());
          timer.unref();
        });
      };
      timer = setTimeout(tick, period);
      timer.unref();
    },
    async stopTimer() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await timerRun;
      timerRun = null;
      await queue;
      usage.close();
      tcpCounter.close();
    },
  };
}
