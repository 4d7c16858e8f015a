// TCP sockets from /proc/PID/net/tcp and tcp6 (the tables of the process's network namespace).
// A process owns the sockets whose inodes appear among its socket fds. TIME_WAIT entries have
// inode 0 and belong to nobody, so matching by inode leaves them out by construction.
import { open, readFile } from 'node:fs/promises';
import os from 'node:os';
import { TCP_STATES, type TcpState } from '../report/sampleSchema.ts';

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
  const buf = Buffer.from(text, 'latin1');
  return scanTcpTable(buf, buf.length, null, into);
}

const SPACE = 0x20;
const NEWLINE = 0x0a;

function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * The entries of the wanted inodes (every entry, with `wanted` null) among the first `length` bytes
 * of a net/tcp or tcp6 file, scanned in place. The columns up to the uid have fixed widths after the
 * addresses (include/net/tcp.h's seq format: "%02X %08X:%08X %02X:%08lX %08X"), so a line is read at
 * about 30 of its 150 bytes, and only a wanted inode has its addresses decoded. The table of a
 * namespace with 10,000 connections is 3 MB; the pre-#12 split and regex per line took 73 ms of it.
 */
export function scanTcpTable(buf: Buffer, length: number, wanted: ReadonlySet<number> | null, into: TcpTable = new Map()): TcpTable {
  let p = buf.indexOf(NEWLINE);
  if (p < 0 || p >= length) return into;
  p += 1; // past the header
  while (p < length) {
    let end = buf.indexOf(NEWLINE, p);
    if (end < 0 || end > length) end = length;
    // '   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 5002 ...'
    let i = p;
    while (i < end && buf[i] === SPACE) i++;
    while (i < end && buf[i] !== SPACE) i++; // sl, '0:'
    const local = i + 1;
    let width = 0;
    while (local + width < end && buf[local + width] !== SPACE) width++;
    const remote = local + width + 1;
    const st = remote + width + 1;
    i = st + 41; // past st, tx_queue:rx_queue, tr:tm->when, retrnsmt
    if (width === 0 || i >= end) {
      p = end + 1;
      continue; // a line too short to be an entry
    }
    for (let field = 0; field < 2; field++) { // uid, timeout
      while (i < end && buf[i] === SPACE) i++;
      while (i < end && buf[i] !== SPACE) i++;
    }
    while (i < end && buf[i] === SPACE) i++;
    let inode = 0;
    for (let c = buf[i]!; i < end && c >= 0x30 && c <= 0x39; c = buf[++i]!) inode = inode * 10 + (c - 0x30);
    if (wanted === null || (inode > 0 && wanted.has(inode))) {
      const state = TCP_STATES[hexDigit(buf[st]!) * 16 + hexDigit(buf[st + 1]!) - 1];
      if (!state) throw new Error(`unknown TCP state '${buf.toString('latin1', st, st + 2)}' in line '${buf.toString('latin1', p, end).trim()}'`);
      // TIME_WAIT entries have inode 0: nobody's
      if (inode > 0) into.set(inode, { state, local: formatAddress(buf.toString('latin1', local, local + width)), remote: formatAddress(buf.toString('latin1', remote, remote + width)) });
    }
    p = end + 1;
  }
  return into;
}

/**
 * Reads a /proc table whole into one buffer that is kept and grown for the next read, in reads of
 * up to the buffer's size off the event loop: the kernel fills a seq_file read as far as the buffer
 * goes, so 3 MB is a handful of reads where readFile's 64 KiB chunks made 47 thread-pool round trips.
 */
export interface TableReader {
  read(path: string): Promise<{ buf: Buffer; length: number }>;
}

const FIRST_BYTES = 256 * 1024;

export function createTableReader(): TableReader {
  let buf = Buffer.allocUnsafe(FIRST_BYTES);
  return {
    async read(path) {
      const fh = await open(path, 'r');
      try {
        let length = 0;
        for (;;) {
          if (length === buf.length) {
            const bigger = Buffer.allocUnsafe(buf.length * 2);
            buf.copy(bigger, 0, 0, length);
            buf = bigger;
          }
          const { bytesRead } = await fh.read(buf, length, buf.length - length, null);
          if (bytesRead === 0) return { buf, length };
          length += bytesRead;
        }
      } finally {
        await fh.close();
      }
    },
  };
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
