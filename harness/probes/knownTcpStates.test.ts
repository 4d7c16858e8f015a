import { describe, expect, it } from 'vitest';
import type { TcpState } from '../report/sampleSchema.ts';
import { applyAll, applyUnsettled, countAmong, knownTcp } from './knownTcpStates.ts';

const socket = (inode: number) => ({ inode, localPort: 1000 + inode, remotePort: 80, v6: false });
const known = (states: Record<number, TcpState>) => knownTcp(Object.entries(states).map(([i, state]) => ({ state, socket: socket(Number(i)) })));

describe('known tcp states', () => {
  it('counts by state and keeps the unsettled apart', () => {
    const k = known({ 1: 'ESTABLISHED', 2: 'ESTABLISHED', 3: 'LISTEN', 4: 'CLOSE_WAIT' });
    expect(k.counts).toEqual({ sockets: 4, tcp: { ESTABLISHED: 2, LISTEN: 1, CLOSE_WAIT: 1 } });
    expect([...k.unsettled].sort()).toEqual([3, 4]);
  });

  it('takes the states listed, keeps ESTABLISHED for the others, and drops an unsettled one no longer listed', () => {
    const k = known({ 1: 'ESTABLISHED', 2: 'ESTABLISHED', 3: 'LISTEN', 4: 'CLOSE_WAIT' });
    // 2 got its peer's FIN; 4 closed under its open fd (the tables no longer list it); 9 is not the tree's
    expect(applyUnsettled(k, new Map<number, TcpState>([[2, 'CLOSE_WAIT'], [3, 'LISTEN'], [9, 'LISTEN']]))).toBe(true);
    expect(Object.fromEntries(k.states)).toEqual({ 1: 'ESTABLISHED', 2: 'CLOSE_WAIT', 3: 'LISTEN' });
    expect(k.counts).toEqual({ sockets: 3, tcp: { ESTABLISHED: 1, CLOSE_WAIT: 1, LISTEN: 1 } });
    expect([...k.unsettled].sort()).toEqual([2, 3]);
    expect(k.ports.has(4)).toBe(false);
  });

  it('cannot tell when a connecting socket is no longer listed: established, or gone', () => {
    const k = known({ 1: 'SYN_SENT', 2: 'ESTABLISHED' });
    expect(applyUnsettled(k, new Map())).toBe(false);
    expect(k.counts).toEqual({ sockets: 2, tcp: { SYN_SENT: 1, ESTABLISHED: 1 } }); // unchanged
  });

  it('applies an answer that lists every socket still in the tables', () => {
    const k = known({ 1: 'ESTABLISHED', 2: 'ESTABLISHED' });
    applyAll(k, new Map<number, TcpState>([[1, 'FIN_WAIT2']]));
    expect(k.counts).toEqual({ sockets: 1, tcp: { FIN_WAIT2: 1 } });
  });

  it('counts those of the known sockets a tree still holds', () => {
    const k = known({ 1: 'ESTABLISHED', 2: 'LISTEN', 3: 'ESTABLISHED' });
    expect(countAmong(k, [1, 2, 7])).toEqual({ sockets: 2, tcp: { ESTABLISHED: 1, LISTEN: 1 } });
  });
});
