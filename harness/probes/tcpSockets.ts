// TCP sockets from /proc/PID/net/tcp and tcp6 (the tables of the process's network namespace).
// A process owns the sockets whose inodes appear among its socket fds. TIME_WAIT entries have
// inode 0 and belong to nobody, so matching by inode leaves them out by construction.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { TCP_STATES, type TcpState } from '../report/schema.ts';

export interface TcpEntry {
  state: TcpState;
  /** '127.0.0.1:8080' or '[::1]:8080' */
  local: string;
  remote: string;
}

export type TcpTable = Map<number, TcpEntry>;

/**
 * Parses the text of a net/tcp or net/tcp6 file into inode -> entry. The 'st' column is the
 * kernel's state number, 1-based in the order of include/net/tcp_states.h, as TCP_STATES is.
 */
export function parseTcpTable(text: string, into: TcpTable = new Map()): TcpTable {
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.trim().split(/\s+/);
    if (f.length < 10) continue;
    const inode = Number(f[9]);
    const state = TCP_STATES[parseInt(f[3]!, 16) - 1];
    if (!state) throw new Error(`unknown TCP state '${f[3]}' in line '${lines[i]!.trim()}'`);
    if (inode === 0) continue;
    into.set(inode, { state, local: formatAddress(f[1]!), remote: formatAddress(f[2]!) });
  }
  return into;
}

export async function readOneTable(pid: number, file: 'tcp' | 'tcp6', procRoot = '/proc'): Promise<TcpTable> {
  return parseTcpTable(await readFile(`${procRoot}/${pid}/net/${file}`, 'latin1'));
}

export interface TcpCount {
  sockets: number;
  tcp: Partial<Record<TcpState, number>>;
  inodes: number[];
}

/** The inet sockets among the given socket inodes (deduplicated: a listener shared by fork counts once). */
export function countTcp(socketInodes: Iterable<number>, table: TcpTable): TcpCount {
  const out: TcpCount = { sockets: 0, tcp: {}, inodes: [] };
  for (const inode of new Set(socketInodes)) {
    const entry = table.get(inode);
    if (!entry) continue;
    out.sockets += 1;
    out.inodes.push(inode);
    out.tcp[entry.state] = (out.tcp[entry.state] ?? 0) + 1;
  }
  return out;
}

// The kernel prints each 32-bit word of the address in host byte order.
const hostIsLE = os.endianness() === 'LE';

function wordBytes(hex8: string): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex8.slice(i, i + 2), 16));
  return hostIsLE ? b.reverse() : b;
}

/** '0100007F:1F90' -> '127.0.0.1:8080'; 32 hex digits -> '[::1]:8080'. */
export function formatAddress(hex: string): string {
  const [addr = '', portHex = '0'] = hex.split(':');
  const port = parseInt(portHex, 16);
  if (addr.length === 8) return `${wordBytes(addr).join('.')}:${port}`;
  const bytes: number[] = [];
  for (let i = 0; i < addr.length; i += 8) bytes.push(...wordBytes(addr.slice(i, i + 8)));
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isV4Mapped) return `[::ffff:${bytes.slice(12).join('.')}]:${port}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i]! << 8) | bytes[i + 1]!);
  return `[${compressIpv6(groups)}]:${port}`;
}

/** RFC 5952: the longest run of two or more zero groups becomes '::'. */
function compressIpv6(groups: number[]): string {
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLen) { bestAt = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}
