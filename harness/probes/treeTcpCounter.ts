// The tree's tcp sockets by state, reading as little as it can. The tcp tables are as long as every
// socket of the namespace (3 MB at 10,000 connections) and a socket that stays open changes its state
// only, so:
// - a timed read whose socket inodes are those of the last read counts from the states it knows;
// - a timed read whose inodes changed reads the tables, unless the last read of them cost more than
//   tcpTableShare of the time since (with 10,000 host connections a read costs 30-100 ms here): until
//   then it counts the known sockets still open, so a closed one drops out at once and a new one
//   waits for the next read;
// - a boundary always asks the kernel: for a tree that kept its inodes, through `ss` with a filter
//   on their ports (ssStates.ts) when the last table read took over ssAboveMs and over the last ss,
//   ss is installed and the tree shares seep's network namespace (ss answers for its own); else the
//   tables (tcpLookup.ts).
import { readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { TcpState } from '../report/schema.ts';
import { MAX_SS_SOCKETS, readSsStates, type KnownSocket } from './ssStates.ts';
import { createTcpLookup, type TcpLookup } from './tcpLookup.ts';
import { countTcp } from './tcpSockets.ts';

export interface TcpCounts {
  sockets: number;
  tcp: Partial<Record<TcpState, number>>;
}

export interface TreeTcpOptions {
  procRoot: string;
  onError: (message: string) => void;
  /** see SamplerOptions */
  tcpTableShare?: number;
  ssAboveMs?: number;
}

export interface TreeTcpCounter {
  /** null when a table could not be read (the reason went to onError) */
  count(socketInodesByPid: Map<number, number[]>, boundary: boolean): Promise<TcpCounts | null>;
  /** how many counts asked the kernel (tables or ss); the others counted from known states */
  reads(): number;
  /** the full entries (addresses too) of those inodes, from the tables: for identities */
  tables(socketInodesByPid: Map<number, number[]>): ReturnType<TcpLookup['lookup']>;
}

/** '127.0.0.1:8080' or '[::1]:8080' -> 8080 */
const portOf = (address: string): number => Number(address.slice(address.lastIndexOf(':') + 1));

function countKnown(set: Set<number>, states: Map<number, TcpState>): TcpCounts {
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
  /** the tree's socket inodes at the last read, and the state and ports of those that were tcp */
  let last: { inodes: Set<number>; states: Map<number, TcpState>; known: KnownSocket[] } | null = null;
  let ssUsable = opts.procRoot === '/proc';
  let ssMs = 0;
  let tableAt = -Infinity;
  let tableMs = 0;
  let reads = 0;

  function sameInodes(set: Set<number>): boolean {
    if (!last || set.size !== last.inodes.size) return false;
    for (const i of set) if (!last.inodes.has(i)) return false;
    return true;
  }

  /** null when the tables must be read: no ss, it failed, or a known socket has left them */
  async function statesBySs(known: KnownSocket[]): Promise<Map<number, TcpState> | null> {
    const started = performance.now();
    const answer = await readSsStates(known);
    ssMs = performance.now() - started;
    if (!answer.ok) {
      if (answer.missing) ssUsable = false;
      else opts.onError(`${answer.reason}; the tcp table was read instead`);
      return null;
    }
    return answer.states.size === known.length ? answer.states : null;
  }

  async function readTables(byPid: Map<number, number[]>, set: Set<number>): Promise<TcpCounts | null> {
    const started = performance.now();
    const tables = await lookup.lookup(byPid);
    tableAt = performance.now();
    tableMs = tableAt - started;
    if (!tables) {
      last = null;
      return null;
    }
    const counted = countTcp(set, tables);
    const entries = counted.inodes.map((i) => [i, tables.get(i)!] as const);
    last = {
      inodes: set,
      states: new Map(entries.map(([i, e]) => [i, e.state])),
      known: entries.map(([inode, e]) => ({ inode, localPort: portOf(e.local), remotePort: portOf(e.remote), v6: e.local.startsWith('[') })),
    };
    return { sockets: counted.sockets, tcp: counted.tcp };
  }

  return {
    async count(byPid, boundary) {
      const set = new Set<number>();
      for (const inodes of byPid.values()) for (const i of inodes) set.add(i);
      const same = sameInodes(set);
      const throttled = performance.now() - tableAt < tableMs / share;
      if (!boundary && last && (throttled || same)) return countKnown(set, last.states);
      reads += 1;
      if (last && same && ssUsable && tableMs > Math.max(ssAboveMs, ssMs) && last.known.length <= MAX_SS_SOCKETS && inOwnNamespace(byPid.keys())) {
        const states = await statesBySs(last.known);
        if (states) {
          last = { ...last, states };
          return countKnown(set, states);
        }
      }
      return readTables(byPid, set);
    },
    reads: () => reads,
    tables: (byPid) => lookup.lookup(byPid),
  };
}
