// Finds the tcp state of a tree's socket inodes while reading as few tcp tables as it can: each
// read of /proc/PID/net/tcp or tcp6 walks the kernel's whole established hash (several ms), while
// /proc/PID/net/unix is cheap. So unix sockets (node's stdio pipes are socketpairs) are told apart
// first and remembered, tables are read once per network namespace, and tcp6 is read only when
// inodes remain unresolved after tcp (or the other way round, whichever resolved more last time).
// Before a table is read, the namespace's sockstat (or sockstat6) says how many tcp sockets of that
// family it holds, in 0.01 ms: at "inuse 0" the table is skipped, since the kernel would still walk
// the whole established hash, shared by both families, to print nothing (23 ms at 10,000 IPv4
// connections on a loaded run).
import { readFile } from 'node:fs/promises';
import { readFileSync, readlinkSync } from 'node:fs';
import { errorCode, isVanished, readStatSync } from './procfs.ts';
import { createTableReader, scanTcpTable, type TcpTable } from './tcpSockets.ts';

export interface TcpLookup {
  /**
   * The tcp entries of those inodes that are tcp sockets. null when a table could not be read;
   * the reason goes to onError.
   */
  lookup(socketInodesByPid: Map<number, number[]>): Promise<TcpTable | null>;
}

export function createTcpLookup(procRoot: string, onError: (message: string) => void): TcpLookup {
  // A socket's family never changes and sockfs inode numbers are not reused while it lives, so a
  // unix inode stays one. (Absent from the tcp tables proves nothing: an unconnected tcp socket is
  // not listed yet.)
  let unix = new Set<number>();
  const seen = new Set<number>();
  let order: ('tcp' | 'tcp6')[] = ['tcp', 'tcp6'];
  const tables = createTableReader();

  async function readUnixInodes(pid: number): Promise<Set<number>> {
    const text = await readFile(`${procRoot}/${pid}/net/unix`, 'latin1');
    const out = new Set<number>();
    for (const line of text.split('\n').slice(1)) {
      const inode = Number(line.trim().split(/\s+/)[6]);
      if (inode > 0) out.add(inode);
    }
    return out;
  }

  async function readStep(step: 'unix' | 'tcp' | 'tcp6', pid: number, wanted: Set<number>, into: TcpTable, foundIn: Record<'tcp' | 'tcp6', number>): Promise<void> {
    if (step === 'unix') {
      for (const inode of await readUnixInodes(pid)) if (wanted.delete(inode)) unix.add(inode);
      return;
    }
    if (tcpInUse(procRoot, pid, step) === 0) return; // none of that family in the namespace
    const { buf, length } = await tables.read(`${procRoot}/${pid}/net/${step}`);
    for (const [inode, entry] of scanTcpTable(buf, length, wanted)) {
      wanted.delete(inode);
      into.set(inode, entry);
      foundIn[step] += 1;
    }
  }

  /** One namespace; any of its members can read its tables. false when a table was unreadable. */
  async function resolve(members: number[], wanted: Set<number>, into: TcpTable): Promise<boolean> {
    const hasNew = [...wanted].some((i) => !seen.has(i));
    const steps: ('unix' | 'tcp' | 'tcp6')[] = hasNew ? ['unix', ...order] : [...order];
    const foundIn: Record<'tcp' | 'tcp6', number> = { tcp: 0, tcp6: 0 };
    for (const step of steps) {
      if (wanted.size === 0) break;
      let answered = false;
      for (const pid of members) {
        try {
          await readStep(step, pid, wanted, into, foundIn);
          answered = true;
          break;
        } catch (err) {
          if (!isVanished(err)) {
            onError(`cannot read ${procRoot}/${pid}/net/${step}: ${errorCode(err)}`);
            return false;
          }
          // Still running without a tcp6 file: IPv6 is disabled, nothing to find there.
          if (step === 'tcp6' && readStatSync(pid, procRoot)) {
            answered = true;
            break;
          }
        }
      }
      if (!answered) return true; // every member exited meanwhile
    }
    if (foundIn.tcp6 > foundIn.tcp) order = ['tcp6', 'tcp'];
    else if (foundIn.tcp > foundIn.tcp6) order = ['tcp', 'tcp6'];
    return true;
  }

  return {
    async lookup(byPid) {
      const all = new Set<number>();
      for (const inodes of byPid.values()) for (const i of inodes) all.add(i);
      unix = new Set([...unix].filter((i) => all.has(i))); // forget closed sockets: bounded memory
      const byNamespace = new Map<string, { members: number[]; wanted: Set<number> }>();
      for (const [pid, inodes] of byPid) {
        const wanted = inodes.filter((i) => !unix.has(i));
        if (wanted.length === 0) continue;
        let ns: string;
        try {
          ns = readlinkSync(`${procRoot}/${pid}/ns/net`);
        } catch (err) {
          if (!isVanished(err)) {
            onError(`cannot read ${procRoot}/${pid}/ns/net: ${errorCode(err)}`);
            return null;
          }
          ns = `pid ${pid}`; // gone, or a fake tree without ns links: ask it on its own
        }
        const group = byNamespace.get(ns) ?? { members: [], wanted: new Set<number>() };
        group.members.push(pid);
        for (const i of wanted) group.wanted.add(i);
        byNamespace.set(ns, group);
      }
      const table: TcpTable = new Map();
      for (const { members, wanted } of byNamespace.values()) {
        if (!(await resolve(members, wanted, table))) return null;
      }
      seen.clear();
      for (const i of all) seen.add(i);
      return table;
    },
  };
}

/**
 * The tcp sockets of a family hashed in the process's network namespace ("TCP: inuse 5" in
 * net/sockstat, "TCP6: inuse 0" in net/sockstat6): listeners and connections, those with an inode.
 * TIME_WAIT and SYN_RECV entries are not counted, and have inode 0: nobody's. null when unknown
 * (no such file, as in a fake tree): the table is read then, and says what is wrong with it.
 */
export function tcpInUse(procRoot: string, pid: number, family: 'tcp' | 'tcp6'): number | null {
  let text: string;
  try {
    text = readFileSync(`${procRoot}/${pid}/net/${family === 'tcp' ? 'sockstat' : 'sockstat6'}`, 'latin1');
  } catch {
    return null;
  }
  const m = (family === 'tcp' ? /^TCP: inuse (\d+)/m : /^TCP6: inuse (\d+)/m).exec(text);
  return m ? Number(m[1]) : null;
}
