// The current tcp states of sockets seep already knows (inode and ports, from an earlier read of
// /proc/PID/net/tcp), through `ss` (iproute2) with a port filter. /proc/PID/net/tcp is as long as
// every socket of the namespace: at 10,000 host connections the kernel spends 27-30 ms (more on a
// loaded machine) printing 20,000 lines for seep to find a tree's 9. `ss` asks the kernel over
// netlink sock_diag with the filter compiled to bytecode (inet_diag), so the kernel walks the same
// hash but prints only the matching sockets: 10-30 ms for the whole spawned `ss` there, most of it
// the spawn. The filter matches each known socket's (local port, remote port) pair, a superset of
// the tree's sockets; they are told apart by inode, as from the table.
import { execFile } from 'node:child_process';
import type { TcpState } from '../report/sampleSchema.ts';

export interface KnownSocket {
  inode: number;
  localPort: number;
  /** 0 for a listener (its peer is '0.0.0.0:*') */
  remotePort: number;
  /** from tcp6: ss asks the kernel for one family when all are of it, a walk of the hash saved */
  v6: boolean;
}

/** Past this many sockets the filter grows long and the table is read instead. */
export const MAX_SS_SOCKETS = 64;

// ss's names of the kernel's states (iproute2 misc/ss.c, sstate_name)
const SS_STATES: Record<string, TcpState> = {
  'ESTAB': 'ESTABLISHED', 'SYN-SENT': 'SYN_SENT', 'SYN-RECV': 'SYN_RECV', 'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2', 'TIME-WAIT': 'TIME_WAIT', 'UNCONN': 'CLOSE', 'CLOSE': 'CLOSE',
  'CLOSE-WAIT': 'CLOSE_WAIT', 'LAST-ACK': 'LAST_ACK', 'LISTEN': 'LISTEN', 'CLOSING': 'CLOSING',
};

/** `( sport = :A and dport = :B ) or ...`, one term per distinct pair of ports */
export function ssFilter(known: KnownSocket[]): string {
  const pairs = new Set(known.map((k) => `( sport = :${k.localPort} and dport = :${k.remotePort} )`));
  return [...pairs].join(' or ');
}

/** inode -> state for the wanted inodes among `ss -tanHe` lines ('ESTAB 0 0 127.0.0.1:1 127.0.0.1:2 ino:5001 sk:..') */
export function parseSsLines(text: string, wanted: ReadonlySet<number>): Map<number, TcpState> {
  const out = new Map<number, TcpState>();
  for (const line of text.split('\n')) {
    const ino = / ino:(\d+)/.exec(line);
    if (!ino) continue;
    const inode = Number(ino[1]);
    if (!wanted.has(inode)) continue;
    const name = line.slice(0, line.indexOf(' '));
    const state = SS_STATES[name];
    if (!state) throw new Error(`unknown ss state '${name}' in line '${line.trim()}'`);
    out.set(inode, state);
  }
  return out;
}

export type SsAnswer = { ok: true; states: Map<number, TcpState> } | { ok: false; reason: string; missing: boolean };

/** The states of those known sockets that ss lists; `missing` when there is no ss to ask. */
export function readSsStates(known: KnownSocket[], ss = 'ss'): Promise<SsAnswer> {
  const v6 = known.filter((k) => k.v6).length;
  const family = v6 === 0 ? ['-4'] : v6 === known.length ? ['-6'] : [];
  return runSs(ss, ['-tanHe', ...family, ssFilter(known)], new Set(known.map((k) => k.inode)));
}

/**
 * The states of those of the wanted sockets that are in any state but ESTABLISHED (TIME_WAIT and
 * SYN_RECV entries have no inode: nobody's). The kernel walks its hash and skips a socket whose
 * state is not asked for before printing anything of it (inet_diag's idiag_states), so a tree that
 * holds 10,000 connections costs a walk (3-5 ms of kernel time at 20,000 sockets here) and a few
 * lines, where the table prints 20,000 (50-200 ms). A wanted socket not listed is established, or
 * has left the kernel's tables (closed under its open fd): the caller tells them apart.
 */
export function readSsUnsettled(wanted: ReadonlySet<number>, family: 'v4' | 'v6' | 'both', ss = 'ss'): Promise<SsAnswer> {
  const flag = family === 'v4' ? ['-4'] : family === 'v6' ? ['-6'] : [];
  return runSs(ss, ['-tanHe', ...flag, 'exclude', 'established', 'exclude', 'time-wait', 'exclude', 'syn-recv'], wanted);
}

function runSs(ss: string, args: string[], wanted: ReadonlySet<number>): Promise<SsAnswer> {
  return new Promise((resolve) => {
    execFile(ss, args, { encoding: 'latin1', timeout: 5000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        const code = (err as NodeJS.ErrnoException).code;
        resolve({ ok: false, missing: code === 'ENOENT', reason: `${ss} failed: ${code === 'ENOENT' ? 'not installed' : (stderr.trim() || err.message)}` });
        return;
      }
      try {
        resolve({ ok: true, states: parseSsLines(stdout, wanted) });
      } catch (parseErr) {
        resolve({ ok: false, missing: false, reason: (parseErr as Error).message });
      }
    });
  });
}
