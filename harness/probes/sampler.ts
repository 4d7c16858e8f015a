// One Sample of the target's whole process tree from /proc, on demand (iteration boundaries) or on
// a timer. Reads never overlap: a read waits for the one in flight, so tick deltas stay consistent.
import { performance } from 'node:perf_hooks';
import type { Leftover, Metric, Phase, Sample, TcpState } from '../report/schema.ts';
import { readFds, type FdSnapshot } from './fds.ts';
import { describeProcess, readPss, readStatSync } from './procfs.ts';
import { listTree, type ProcInfo } from './processTree.ts';
import { createTreeUsageReader } from './treeUsage.ts';
import { createTreeTcpCounter } from './treeTcpCounter.ts';
import { findByCookie } from './runCookie.ts';

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
   * changed (default 0.01: a read that cost 100 ms waits 10 s for the next). Boundaries always read.
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
  /** how many reads have read the tcp tables (the others reused the last count) */
  tcpTableReads(): number;
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
  const tcpCounter = createTreeTcpCounter({ procRoot, onError: problems.add, tcpTableShare: opts.tcpTableShare, ssAboveMs: opts.ssAboveMs });
  let lastEscaped: number | null = null;
  let phase: Phase = 'warmup';
  let queue: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let timerRun: Promise<void> | null = null;
  let stopped = true;

  /** fds of the live processes; null when one that is still running could not be read */
  async function readTreeFds(procs: ProcInfo[]): Promise<Map<number, FdSnapshot> | null> {
    const out = new Map<number, FdSnapshot>();
    let complete = true;
    for (const p of procs) {
      if (isDead(p)) continue; // a zombie has released its fds
      const fds = await readFds(p.pid, procRoot);
      if (fds.ok) out.set(p.pid, fds);
      else if (!isGoneNow(p.pid)) {
        problems.add(fds.error);
        complete = false;
      }
    }
    return complete ? out : null;
  }

  function isGoneNow(pid: number): boolean {
    const stat = readStatSync(pid, procRoot);
    return stat === null || stat.state === 'Z' || stat.state === 'X';
  }

  async function readTreePss(procs: ProcInfo[]): Promise<number | null> {
    let total = 0;
    for (const p of procs) {
      if (isDead(p)) continue;
      let failed = false;
      const pss = await readPss(p.pid, procRoot, (msg) => {
        failed = true;
        problems.add(msg);
      });
      if (failed) return null;
      total += pss ?? 0; // null without a message: it exited meanwhile
    }
    return total;
  }

  async function readEscaped(procs: ProcInfo[]): Promise<number[]> {
    const inTree = new Set(procs.map((p) => p.pid));
    return (await findByCookie(opts.cookie, procRoot)).filter((pid) => !inTree.has(pid));
  }

  async function readNow(ph: Phase, iteration: number | null, t: number, readOpts: ReadOptions): Promise<Sample> {
    const tree = usage.read(opts.rootPids());
    const { procs } = tree;
    const values: Record<Metric, number | null> = {
      rss: tree.rssBytes, pss: null, cpu: tree.cpuPercent, heapUsed: null, fds: null, fdFile: null, fdSocket: null, fdPipe: null,
      fdOther: null, sockets: null, threads: tree.threads, children: tree.children, escaped: lastEscaped, heapCommitted: null, heapBlocks: null, handles: null,
      cgroupMemory: opts.cgroupUsage?.() ?? null,
      // the disk and the steps are read at boundaries by the evidence collectors, not here
      diskBytes: null, tmpBytes: null, tmpEntries: null, stepMs: null,
    };
    let tcp: Partial<Record<TcpState, number>> = {};
    const fds = await readTreeFds(procs);
    // The tcp tables, the pss walks and the cookie scan overlap: the kernel formats a table (tens of
    // ms at 10,000 host connections) and walks the page tables on libuv's pool threads while this
    // one reads every process's environ.
    let tableRead: Promise<void> | undefined;
    if (fds) {
      const byPid = new Map<number, number[]>();
      values.fds = values.fdFile = values.fdSocket = values.fdPipe = values.fdOther = 0;
      for (const [pid, snap] of fds) {
        if (snap.socketInodes.length > 0) byPid.set(pid, snap.socketInodes);
        values.fdFile += snap.counts.file;
        values.fdSocket += snap.counts.socket;
        values.fdPipe += snap.counts.pipe;
        values.fdOther += snap.counts.other;
      }
      values.fds = values.fdFile + values.fdSocket + values.fdPipe + values.fdOther;
      tableRead = tcpCounter.count(byPid, iteration !== null).then((counted) => {
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
    },
  };
}
