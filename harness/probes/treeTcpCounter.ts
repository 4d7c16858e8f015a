// The tree's tcp sockets by state, reading as little as it can. The tcp tables are as long as every
// socket of the namespace (3 MB at 10,000 connections) and a socket that stays open changes its state
// only, so:
// - a timed read of a tree whose fds did not change since the last count (the fd table's version)
//   gives that count again, at no cost whatever the tree holds;
// - a timed read whose socket inodes are those of the last read counts from the states it knows;
// - a timed read whose inodes changed reads the tables, unless the last read of them cost more than
//   tcpTableShare of the time since (with 10,000 host connections a read costs 30-100 ms here): until
//   then it counts the known sockets still open, so a closed one drops out at once and a new one
//   waits for the next read;
// - a boundary always asks the kernel, but for a tree that kept its inodes where the tables are
//   dear (the last table read took over ssAboveMs and over the last query) and that shares seep's
//   network namespace: their count stands, and their states are asked for at most tcpTableShare of
//   the wall time and at most every 5 s, of sock_diag and for those sockets only. A tree of few tcp
//   sockets asks for every state, filtered by their pairs of ports; a tree of more (a server holding
//   thousands of connections, whose every socket a port filter would match) for the sockets in any
//   state but ESTABLISHED, so the kernel formats a handful and the others keep the ESTABLISHED they
//   had. It asks through the sock_diag helper kept running (sockDiagClient.ts, started at the first
//   such boundary, its query sent at the boundary's start to overlap the other reads), or through ss
//   until the helper is ready or where there is no python3. Else, and for a tree whose sockets
//   changed, the tables (tcpLookup.ts).
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { TcpState } from '../report/sampleSchema.ts';
import { applyAll, applyUnsettled, copyCounts, countAmong, knownTcp, type KnownTcp, type TcpCounts } from './knownTcpStates.ts';
import { createSockDiag, HELD, UNSETTLED, type SockDiag } from './sockDiagClient.ts';
import { MAX_SS_SOCKETS, readSsStates, readSsUnsettled, type KnownSocket, type SsAnswer } from './ssStates.ts';
import { createTcpLookup, type TcpLookup } from './tcpLookup.ts';
import { countTcp } from './tcpSockets.ts';

export type { TcpCounts } from './knownTcpStates.ts';

export interface TreeTcpOptions {
  procRoot: string;
  onError: (message: string) => void;
  /** see SamplerOptions */
  tcpTableShare?: number;
  ssAboveMs?: number;
  /**
   * a boundary of a tree that kept its sockets asks for their states at most this often (default
   * MIN_QUERY_EVERY_MS; 0 with a tcpTableShare of 1, which asks at every boundary)
   */
  queryEveryMs?: number;
  /** the kernel's sock_diag, asked through a helper kept running (default: python3's, sockDiagClient.ts) */
  sockDiag?: SockDiag;
}

/** What the counter needs of the tree's fds (fdTable.ts's TreeFds). */
export interface TreeSockets {
  /** changes whenever an fd of the tree was opened, closed or replaced */
  version: number;
  socketInodes(): Map<number, number[]>;
}

export interface TreeTcpCounter {
  /** null when a table could not be read (the reason went to onError) */
  count(fds: TreeSockets, boundary: boolean): Promise<TcpCounts | null>;
  /** how many counts asked the kernel (tables, ss or the helper); the others counted from known states */
  reads(): number;
  /** how the kernel was asked, so far, and how many boundaries kept the states they knew */
  asked(): Record<'tables' | 'ssPorts' | 'ssUnsettled' | 'helper' | 'kept', number>;
  /** the full entries (addresses too) of those inodes, from the tables: for identities */
  tables(socketInodesByPid: Map<number, number[]>): ReturnType<TcpLookup['lookup']>;
  /**
   * At a boundary's start: when the last boundary asked the helper for the unsettled sockets, asks
   * again now, so that the kernel's walk overlaps the boundary's other reads (count() uses the
   * answer if the tree kept its sockets, and drops it otherwise)
   */
  prefetch(): void;
  /**
   * ends the sock_diag helper, if one runs, once no count was asked for IDLE_CLOSE_MS: a sampler
   * stopped and started again (a run's measured phase, then its settle) keeps it; one done with
   * leaves no process behind for long (a later boundary starts it again)
   */
  close(): void;
}

const IDLE_CLOSE_MS = 30_000;

/** what a boundary asks the sock_diag helper */
interface HelperQuery {
  families: (4 | 6)[];
  mask: number;
  ports: [number, number][];
}

/** '127.0.0.1:8080' or '[::1]:8080' -> 8080 */
const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

function inOwnNamespace(pids: Iterable<number>): boolean {
  try {
    const own = readlinkSync('/proc/self/ns/net');
    for (const pid of pids) if (readlinkSync(`/proc/${pid}/ns/net`) !== own) return false;
    return true;
  } catch {
    return false; // gone, or not ours to read: the table answers, or says what is wrong
  }
}

/** the states of a tree that kept its sockets are asked for at most this often by default */
export const MIN_QUERY_EVERY_MS = 5000;

export function createTreeTcpCounter(opts: TreeTcpOptions): TreeTcpCounter {
  const lookup = createTcpLookup(opts.procRoot, opts.onError);
  const share = opts.tcpTableShare ?? 0.01;
  const ssAboveMs = opts.ssAboveMs ?? 10;
  const diag = opts.sockDiag ?? createSockDiag();
  /** the tree's socket inodes at the last ask of the kernel, and what it said of those that were tcp */
  let last: { inodes: Set<number>; tcp: KnownTcp } | null = null;
  /** the tree's socket inodes at the last count, and the fd table's version they are of */
  let seen: { version: number; byPid: Map<number, number[]>; inodes: Set<number> } | null = null;
  /** the last count, and the fd table's version it was made from */
  let lastCount: { version: number; counts: TcpCounts } | null = null;
  const own = opts.procRoot === '/proc';
  let ssUsable = own;
  let queryMs = 0;
  let queryAt = -Infinity;
  // a share of wall time asks more often the shorter the query: a quiet machine's 5 ms walk of a
  // busy host's hash, each second, took a third of the 1% of a core seep may spend on a tree of
  // 10,000 connections; at least queryEveryMs apart, as a loaded machine's 50 ms make them
  const queryEveryMs = opts.queryEveryMs ?? (share >= 1 ? 0 : MIN_QUERY_EVERY_MS);
  const queryDue = (): boolean => performance.now() - queryAt >= Math.max(queryEveryMs, queryMs / share);
  let tableAt = -Infinity;
  let tableMs = 0;
  let reads = 0;
  const asked = { tables: 0, ssPorts: 0, ssUnsettled: 0, helper: 0, kept: 0 };
  /** what the last boundary asked the helper, to ask again at the next one's start */
  let lastQuery: HelperQuery | null = null;
  let prefetched: { key: string; answer: Promise<Map<number, TcpState> | null> } | null = null;

  function sameInodes(set: Set<number>): boolean {
    if (!last || set.size !== last.inodes.size) return false;
    if (set === last.inodes) return true;
    for (const i of set) if (!last.inodes.has(i)) return false;
    return true;
  }

  function ssStates(answer: SsAnswer): Map<number, TcpState> | null {
    if (answer.ok) return answer.states;
    if (answer.missing) ssUsable = false;
    else opts.onError(`${answer.reason}; the tcp table was read instead`);
    return null;
  }

  /** the helper's answer, over the families; null when it did not answer */
  async function askHelper(q: HelperQuery): Promise<Map<number, TcpState> | null> {
    const out = new Map<number, TcpState>();
    for (const family of q.families) {
      const answer = await diag.query(family, q.mask, q.ports);
      if (!answer.ok) return null;
      for (const s of answer.sockets) out.set(s.inode, s.state);
    }
    return out;
  }

  /**
   * A tree of few tcp sockets: every state, filtered by their pairs of ports (a superset of them: told
   * apart by inode), so that one that left the tables is seen missing. A tree of more (a server holding
   * thousands of connections, whose every socket a port filter would match): the unsettled ones.
   */
  function queryFor(k: KnownTcp): HelperQuery {
    const families = [...new Set([...k.ports.values()].map((p) => (p.v6 ? 6 : 4) as 4 | 6))].sort();
    if (k.states.size > MAX_SS_SOCKETS) return { families, mask: UNSETTLED, ports: [] };
    const pairs = new Set([...k.ports.values()].map((p) => `${p.localPort}:${p.remotePort}`));
    return { families, mask: HELD, ports: [...pairs].map((x) => x.split(':').map(Number) as [number, number]) };
  }

  const keyOf = (q: HelperQuery): string => JSON.stringify(q);

  /** brings the known states up to date without the tables; false when they must be read */
  async function updateWithoutTables(k: KnownTcp): Promise<boolean> {
    const started = performance.now();
    try {
      const q = queryFor(k);
      const all = q.mask === HELD;
      // the helper's start (a python3 start) is not charged to a boundary: ss answers until it is ready
      if (diag.status() === 'idle') void diag.start();
      const early = prefetched?.key === keyOf(q) ? prefetched.answer : null;
      prefetched = null;
      let listed = early ? await early : diag.status() === 'ready' ? await askHelper(q) : null;
      lastQuery = listed ? q : null;
      if (listed) asked.helper += 1;
      else if (ssUsable) {
        asked[all ? 'ssPorts' : 'ssUnsettled'] += 1;
        listed = ssStates(all
          ? await readSsStates([...k.ports.values()])
          : await readSsUnsettled(new Set(k.states.keys()), q.families.length === 2 ? 'both' : q.families[0] === 6 ? 'v6' : 'v4'));
      }
      if (!listed) return false;
      const mine = new Map([...listed].filter(([inode]) => k.states.has(inode)));
      if (!all) return applyUnsettled(k, mine);
      // a known socket not listed has left the tables: they say what became of it
      if (mine.size !== k.states.size) return false;
      applyAll(k, mine);
      return true;
    } finally {
      queryAt = performance.now();
      queryMs = queryAt - started;
    }
  }

  async function readTables(byPid: Map<number, number[]>, set: Set<number>): Promise<TcpCounts | null> {
    lastQuery = null;
    const started = performance.now();
    asked.tables += 1;
    const tables = await lookup.lookup(byPid);
    tableAt = performance.now();
    tableMs = tableAt - started;
    if (!tables) {
      last = null;
      return null;
    }
    const counted = countTcp(set, tables);
    last = {
      inodes: set,
      tcp: knownTcp(counted.inodes.map((inode) => {
        const e = tables.get(inode)!;
        const socket: KnownSocket = { inode, localPort: portOf(e.local), remotePort: portOf(e.remote), v6: e.local.startsWith('[') };
        return { state: e.state, socket };
      })),
    };
    return copyCounts(last.tcp.counts);
  }

  async function countNow(fds: TreeSockets, boundary: boolean): Promise<TcpCounts | null> {
    // the tree's fds as they were at the last count: the same inodes, nothing to gather again
    if (seen?.version !== fds.version) {
      const byPid = fds.socketInodes();
      const inodes = new Set<number>();
      for (const list of byPid.values()) for (const i of list) inodes.add(i);
      seen = { version: fds.version, byPid, inodes };
    }
    const { byPid, inodes: set } = seen;
    const same = sameInodes(set);
    const throttled = performance.now() - tableAt < tableMs / share;
    if (!boundary && last && (throttled || same)) return same ? copyCounts(last.tcp.counts) : countAmong(last.tcp, set);
    if (last && same && own && tableMs > Math.max(ssAboveMs, queryMs) && inOwnNamespace(byPid.keys())) {
      // the tree kept its sockets, so their count stands; their states are asked for at most `share`
      // of the wall time (the walk of a busy host's hash: 5 ms of CPU, 50 ms of wall time on a loaded
      // machine, at every step of a counted run otherwise)
      if (!queryDue()) {
        asked.kept += 1;
        return copyCounts(last.tcp.counts);
      }
      reads += 1;
      if (await updateWithoutTables(last.tcp)) return copyCounts(last.tcp.counts);
    } else reads += 1;
    return readTables(byPid, set);
  }

  let closing: NodeJS.Timeout | null = null;
  return {
    async count(fds, boundary) {
      if (closing) {
        clearTimeout(closing);
        closing = null;
      }
      if (!boundary && lastCount?.version === fds.version) return copyCounts(lastCount.counts);
      const counts = await countNow(fds, boundary);
      prefetched = null; // a tree that changed read its tables: the early answer is of no use
      // kept only when it counted every socket of the tree: a throttled count of a changed tree waits
      // for its table read, at the next timed read that may make one
      lastCount = counts && seen && sameInodes(seen.inodes) ? { version: fds.version, counts } : null;
      return counts;
    },
    reads: () => reads,
    asked: () => ({ ...asked }),
    prefetch() {
      if (lastQuery && diag.status() === 'ready' && queryDue()) prefetched = { key: keyOf(lastQuery), answer: askHelper(lastQuery) };
    },
    tables: (byPid) => lookup.lookup(byPid),
    close() {
      if (closing) clearTimeout(closing);
      closing = setTimeout(() => {
        closing = null;
        diag.close();
      }, IDLE_CLOSE_MS);
      closing.unref();
    },
  };
}
