// One Sample of the target's whole process tree from /proc, on demand (iteration boundaries) or on
// a timer. Reads never overlap: a read waits for the one in flight, so tick deltas stay consistent.
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Leftover, Metric, Phase, Sample, TcpState } from '../report/schema.ts';
import { readFds, type FdSnapshot } from './fds.ts';
import { describeProcess, readPss, readStatSync } from './procfs.ts';
import { listTree, type ProcInfo } from './processTree.ts';
import { createTreeUsageReader } from './treeUsage.ts';
import { MAX_SS_SOCKETS, readSsStates, type KnownSocket } from './ssStates.ts';
import { findByCookie } from './runCookie.ts';
import { countTcp } from './tcpSockets.ts';
import { createTcpLookup } from './tcpLookup.ts';

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

/** '127.0.0.1:8080' or '[::1]:8080' -> 8080 */
const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

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
  const tcpLookup = createTcpLookup(procRoot, problems.add);
  /**
   * The tree's socket inodes at the last read of the tcp tables, and the state of those that were
   * tcp. A timed read whose inodes are the same counts from these: the tables are as long as every
   * socket of the namespace (3 MB at 10,000 connections), and a socket that stays open changes its
   * state only, which the next boundary reads. A new or closed socket changes the set, and a timed
   * read then reads the tables too, unless the last read of them cost more than 1% of the time since
   * (with 10,000 host connections a read costs ~100 ms here): until then it counts the known
   * sockets still open, so a closed one drops out at once and a new one waits for the next read.
   */
  let lastTcp: { inodes: Set<number>; states: Map<number, TcpState>; known: KnownSocket[] } | null = null;
  /**
   * A boundary whose socket inodes are those of the last table read may ask `ss` for just their
   * states (ssStates.ts: 10-30 ms against 30-100 ms for the table at 10,000 host connections; see
   * ssAboveMs), when ss is installed and the tree shares seep's network namespace (ss answers for its own).
   */
  let ssUsable = procRoot === '/proc';
  const ssAboveMs = opts.ssAboveMs ?? 10;
  let ssMs = 0;
  let tableAt = -Infinity;
  let tableMs = 0;
  let tcpReads = 0;
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

  function inOwnNamespace(pids: number[]): boolean {
    try {
      const own = readlinkSync('/proc/self/ns/net');
      return pids.every((pid) => readlinkSync(`/proc/${pid}/ns/net`) === own);
    } catch {
      return false; // gone, or not ours to read: the table answers, or says what is wrong
    }
  }

  /** null when the tables must be read: no ss, it failed, or a known socket has left them */
  async function statesBySs(known: KnownSocket[]): Promise<Map<number, TcpState> | null> {
    const started = performance.now();
    const answer = await readSsStates(known);
    ssMs = performance.now() - started;
    if (!answer.ok) {
      if (answer.missing) ssUsable = false;
      else problems.add(`${answer.reason}; the tcp table was read instead`);
      return null;
    }
    return answer.states.size === known.length ? answer.states : null;
  }

  function sameInodes(set: Set<number>): boolean {
    if (!lastTcp || set.size !== lastTcp.inodes.size) return false;
    for (const i of set) if (!lastTcp.inodes.has(i)) return false;
    return true;
  }

  function countKnown(set: Set<number>, states: Map<number, TcpState>): { sockets: number; tcp: Partial<Record<TcpState, number>> } {
    const tcp: Partial<Record<TcpState, number>> = {};
    let sockets = 0;
    for (const i of set) {
      const state = states.get(i);
      if (state === undefined) continue;
      sockets += 1;
      tcp[state] = (tcp[state] ?? 0) + 1;
    }
    return { sockets, tcp };
  }

  async function readNow(ph: Phase, iteration: number | null, t: number, readOpts: ReadOptions): Promise<Sample> {
    const tree = usage.read(opts.rootPids());
    const { procs } = tree;
    const values: Record<Metric, number | null> = {
      rss: tree.rssBytes, pss: null, cpu: tree.cpuPercent, heapUsed: null, fds: null, fdFile: null, fdSocket: null, fdPipe: null,
      fdOther: null, sockets: null, threads: tree.threads, children: tree.children, escaped: lastEscaped, heapCommitted: null, heapBlocks: null, handles: null,
      cgroupMemory: opts.cgroupUsage?.() ?? null,
    };
    let tcp: Partial<Record<TcpState, number>> = {};
    const fds = await readTreeFds(procs);
    // The tcp tables, the pss walks and the cookie scan overlap: the kernel formats a table (tens of
    // ms at 10,000 host connections) and walks the page tables on libuv's pool threads while this
    // one reads every process's environ.
    let tableRead: Promise<void> | undefined;
    if (fds) {
      const inodes: number[] = [];
      const byPid = new Map<number, number[]>();
      values.fds = values.fdFile = values.fdSocket = values.fdPipe = values.fdOther = 0;
      for (const [pid, snap] of fds) {
        if (snap.socketInodes.length > 0) byPid.set(pid, snap.socketInodes);
        values.fdFile += snap.counts.file;
        values.fdSocket += snap.counts.socket;
        values.fdPipe += snap.counts.pipe;
        values.fdOther += snap.counts.other;
        inodes.push(...snap.socketInodes);
      }
      values.fds = values.fdFile + values.fdSocket + values.fdPipe + values.fdOther;
      const set = new Set(inodes);
      const started = performance.now();
      const throttled = started - tableAt < tableMs / (opts.tcpTableShare ?? 0.01);
      if (iteration === null && lastTcp && (throttled || sameInodes(set))) {
        const known = countKnown(set, lastTcp.states);
        values.sockets = known.sockets;
        tcp = known.tcp;
      } else {
        const known = lastTcp && sameInodes(set) && ssUsable && tableMs > Math.max(ssAboveMs, ssMs) && lastTcp.known.length <= MAX_SS_SOCKETS && inOwnNamespace([...byPid.keys()]) ? lastTcp.known : null;
        tableRead = (known ? statesBySs(known) : Promise.resolve(null)).then(async (states) => {
          tcpReads += 1;
          if (states) {
            const counted = countKnown(set, states);
            values.sockets = counted.sockets;
            tcp = counted.tcp;
            lastTcp = { inodes: set, states, known: known! };
            return;
          }
          const tables = await tcpLookup.lookup(byPid);
          tableAt = performance.now();
          tableMs = tableAt - started;
          if (tables) {
            const counted = countTcp(set, tables);
            values.sockets = counted.sockets;
            tcp = counted.tcp;
            const entries = counted.inodes.map((i) => [i, tables.get(i)!] as const);
            lastTcp = {
              inodes: set,
              states: new Map(entries.map(([i, e]) => [i, e.state])),
              known: entries.map(([inode, e]) => ({ inode, localPort: portOf(e.local), remotePort: portOf(e.remote), v6: e.local.startsWith('[') })),
            };
          } else lastTcp = null;
        });
      }
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
    const tables = await tcpLookup.lookup(byPid);
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
    tcpTableReads: () => tcpReads,
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
