// The tcp states seep knows of a tree's sockets between two asks of the kernel, with their count by
// state kept beside them, so that a boundary of a tree holding 20,000 sockets whose states did not
// change costs the sockets that changed, not 20,000 map entries (3 ms here). Pure: no I/O.
import type { TcpState } from '../report/sampleSchema.ts';
import type { KnownSocket } from './ssStates.ts';

export interface TcpCounts {
  sockets: number;
  tcp: Partial<Record<TcpState, number>>;
}

export interface KnownTcp {
  /** inode -> state, of the tree's sockets found in the kernel's tcp tables */
  states: Map<number, TcpState>;
  /** the same, counted */
  counts: TcpCounts;
  /** the inodes whose state is not ESTABLISHED: what a query for the unsettled ones must list again */
  unsettled: Set<number>;
  /** their ports, for a query filtered by port */
  ports: Map<number, KnownSocket>;
}

export function knownTcp(entries: Iterable<{ state: TcpState; socket: KnownSocket }>): KnownTcp {
  const k: KnownTcp = { states: new Map(), counts: { sockets: 0, tcp: {} }, unsettled: new Set(), ports: new Map() };
  for (const { state, socket } of entries) {
    k.ports.set(socket.inode, socket);
    set(k, socket.inode, state);
  }
  return k;
}

function set(k: KnownTcp, inode: number, state: TcpState | null): void {
  const was = k.states.get(inode);
  if (was === state) return;
  if (was !== undefined) {
    k.counts.tcp[was] = k.counts.tcp[was]! - 1;
    if (k.counts.tcp[was] === 0) delete k.counts.tcp[was];
    k.counts.sockets -= 1;
    k.unsettled.delete(inode);
  }
  if (state === null) {
    k.states.delete(inode);
    k.ports.delete(inode);
    return;
  }
  k.states.set(inode, state);
  k.counts.tcp[state] = (k.counts.tcp[state] ?? 0) + 1;
  k.counts.sockets += 1;
  if (state !== 'ESTABLISHED') k.unsettled.add(inode);
}

/**
 * Applies the answer to "which of these sockets are in any state but ESTABLISHED": a known socket
 * listed has that state; one not listed was ESTABLISHED and still is, or has left the kernel's
 * tables (reset, or closed under its open fd), where a table read would not find it either. false,
 * and nothing changed, when a socket not listed was connecting (SYN_SENT, SYN_RECV): established
 * since, or gone, only a table tells.
 */
export function applyUnsettled(k: KnownTcp, listed: ReadonlyMap<number, TcpState>): boolean {
  const changes: [number, TcpState | null][] = [];
  for (const [inode, state] of listed) if (k.states.has(inode) && k.states.get(inode) !== state) changes.push([inode, state]);
  for (const inode of k.unsettled) {
    if (listed.has(inode)) continue;
    const was = k.states.get(inode);
    if (was === 'SYN_SENT' || was === 'SYN_RECV') return false;
    changes.push([inode, null]);
  }
  for (const [inode, state] of changes) set(k, inode, state);
  return true;
}

/**
 * Applies an answer that lists every known socket still in the tables (a query filtered by their
 * ports): one not listed has left them.
 */
export function applyAll(k: KnownTcp, listed: ReadonlyMap<number, TcpState>): void {
  for (const inode of [...k.states.keys()]) set(k, inode, listed.get(inode) ?? null);
}

/** The known sockets among `inodes`, counted (a tree that lost some since the last ask). */
export function countAmong(k: KnownTcp, inodes: Iterable<number>): TcpCounts {
  const tcp: Partial<Record<TcpState, number>> = {};
  let sockets = 0;
  for (const i of inodes) {
    const state = k.states.get(i);
    if (state === undefined) continue;
    sockets += 1;
    tcp[state] = (tcp[state] ?? 0) + 1;
  }
  return { sockets, tcp };
}

/** A copy of the counts: the report keeps what it is given. */
export const copyCounts = (c: TcpCounts): TcpCounts => ({ sockets: c.sockets, tcp: { ...c.tcp } });
