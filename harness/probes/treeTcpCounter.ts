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
// - a boundary always asks the kernel. For a tree that kept its inodes, when the last table read
//   took over ssAboveMs and over the last query, ss is installed and the tree shares seep's network
//   namespace (ss answers for its own): a tree of few tcp sockets through `ss` with a filter on their
//   ports (ssStates.ts); a tree of more (a server holding thousands of connections, whose every
//   socket the port filter would match) by asking for the sockets in any state but ESTABLISHED, so
//   the kernel prints a handful, and the others keep the ESTABLISHED they had. Else the tables
//   (tcpLookup.ts).
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { TcpState } from '../report/schema.ts';
import { applyAll, applyUnsettled, copyCounts, countAmong, knownTcp, type KnownTcp, type TcpCounts } from './knownTcpStates.ts';
import { createSockDiag, UNSETTLED, type SockDiag } from './sockDiagClient.ts';
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
  /** how the kernel was asked, so far */
  asked(): Record<'tables' | 'ssPorts' | 'ssUnsettled' | 'helper', number>;
  /** the full entries (addresses too) of those inodes, from the tables: for identities */
  tables(socketInodesByPid: Map<number, number[]>): ReturnType<TcpLookup['lookup']>;
  /** ends the sock_diag helper, if one runs (a later boundary starts it again) */
  close(): void;
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
  let tableAt = -Infinity;
  let tableMs = 0;
  let reads = 0;
  const asked = { tables: 0, ssPorts: 0, ssUnsettled: 0, helper: 0 };

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

  /** the known sockets in any state but ESTABLISHED, from the helper or else ss; null when neither answered */
  async function unsettled(k: KnownTcp): Promise<Map<number, TcpState> | null> {
    const families = new Set([...k.ports.values()].map((p) => (p.v6 ? 6 : 4) as 4 | 6));
    // the helper's start (a python3 start) is not charged to a boundary: ss answers until it is ready
    if (diag.status() === 'idle') void diag.start();
    if (diag.status() === 'ready') {
      const out = new Map<number, TcpState>();
      let ok = true;
      for (const family of families) {
        const answer = await diag.query(family, UNSETTLED);
        if (!answer.ok) {
          ok = false;
          break;
        }
        for (const s of answer.sockets) if (k.states.has(s.inode)) out.set(s.inode, s.state);
      }
      if (ok) {
        asked.helper += 1;
        return out;
      }
    }
    if (!ssUsable) return null;
    asked.ssUnsettled += 1;
    return ssStates(await readSsUnsettled(new Set(k.states.keys()), families.size === 2 ? 'both' : families.has(6) ? 'v6' : 'v4'));
  }

  /** brings the known states up to date without the tables; false when they must be read */
  async function updateWithoutTables(k: KnownTcp): Promise<boolean> {
    const started = performance.now();
    try {
      if (k.states.size <= MAX_SS_SOCKETS) {
        if (!ssUsable) return false;
        asked.ssPorts += 1;
        const found = ssStates(await readSsStates([...k.ports.values()]));
        // a known socket ss does not list has left the tables: they say what became of it
        if (!found || found.size !== k.states.size) return false;
        applyAll(k, found);
        return true;
      }
      // a tree of many: their ports would match them all, so ask for the few that are not established
      const listed = await unsettled(k);
      return listed !== null && applyUnsettled(k, listed);
    } finally {
      queryMs = performance.now() - started;
    }
  }

  async function readTables(byPid: Map<number, number[]>, set: Set<number>): Promise<TcpCounts | null> {
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
    reads += 1;
    if (last && same && own && tableMs > Math.max(ssAboveMs, queryMs) && inOwnNamespace(byPid.keys())) {
      if (await updateWithoutTables(last.tcp)) return copyCounts(last.tcp.counts);
    }
    return readTables(byPid, set);
  }

  return {
    async count(fds, boundary) {
      if (!boundary && lastCount?.version === fds.version) return copyCounts(lastCount.counts);
      const counts = await countNow(fds, boundary);
      // kept only when it counted every socket of the tree: a throttled count of a changed tree waits
      // for its table read, at the next timed read that may make one
      lastCount = counts && seen && sameInodes(seen.inodes) ? { version: fds.version, counts } : null;
      return counts;
    },
    reads: () => reads,
    asked: () => ({ ...asked }),
    tables: (byPid) => lookup.lookup(byPid),
    close: () => diag.close(),
  };
}
