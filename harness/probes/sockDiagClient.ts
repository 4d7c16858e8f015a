// The tcp sockets of seep's network namespace in chosen states, from the kernel's sock_diag dump,
// through sockDiag.py: one python3 process kept for the sampler's life and asked over a pipe, since
// Node has no netlink socket. A spawned `ss` costs the spawn at every boundary (3-4 ms of CPU and
// 7 ms of wall time here, 30-50 ms on a loaded machine); a request on a pipe costs the kernel's walk
// of its hash (1.4 ms for an empty one, 4 ms at 20,000 sockets) and a line. Without python3, or
// where netlink is refused, the client says it is unavailable and the caller uses ss.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TCP_STATES, type TcpState } from '../report/sampleSchema.ts';

const HELPER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sockDiag.py');
/** A request not answered in this long (a stopped helper), or a start not ready, fails, and the helper is dropped. */
const ANSWER_MS = 5000;

/** Bit n is the kernel's TCP state n (include/net/tcp_states.h), 1-based as TCP_STATES. */
export function stateMask(states: TcpState[]): number {
  let mask = 0;
  for (const s of states) mask |= 1 << (TCP_STATES.indexOf(s) + 1);
  return mask;
}

/** Every state a socket with an inode can be in (TIME_WAIT and request sockets have none: nobody's). */
export const HELD = stateMask(TCP_STATES.filter((s) => s !== 'TIME_WAIT' && s !== 'NEW_SYN_RECV'));
/** The same but ESTABLISHED: what a tree holding many connections asks for. */
export const UNSETTLED = HELD & ~stateMask(['ESTABLISHED']);

export interface DiagSocket {
  inode: number;
  state: TcpState;
  localPort: number;
  remotePort: number;
}

export type DiagAnswer = { ok: true; sockets: DiagSocket[] } | { ok: false; reason: string };

export interface SockDiag {
  /** 'idle' before start(); 'starting' until the helper said it is ready; 'unavailable' for good once it could not be */
  status(): 'idle' | 'starting' | 'ready' | 'unavailable';
  /**
   * starts the helper (a python3 start: 30-300 ms) in the background, holding nothing open: seep may
   * end meanwhile. Nothing to await: query() waits for the start, and holds seep open while it does
   */
  start(): void;
  /**
   * the namespace's sockets of that family in those states, and with one of those (local, remote)
   * pairs of ports when given; starts the helper on first use
   */
  query(family: 4 | 6, mask: number, ports?: [number, number][]): Promise<DiagAnswer>;
  /** the helper's pid, while it runs */
  pid(): number | null;
  /** ends the helper; a later query starts another */
  close(): void;
}

/** '5001:8:8080:43122 ...' -> sockets */
export function parseDiagLine(text: string): DiagSocket[] {
  const out: DiagSocket[] = [];
  for (const word of text.split(' ')) {
    if (word === '') continue;
    const [inode, state, local, remote] = word.split(':').map(Number);
    const name = TCP_STATES[state! - 1];
    if (!name || !(inode! > 0)) throw new Error(`sock_diag helper: malformed entry '${word}'`);
    out.push({ inode: inode!, state: name, localPort: local!, remotePort: remote! });
  }
  return out;
}

export function createSockDiag(python = 'python3'): SockDiag {
  let child: ChildProcessWithoutNullStreams | null = null;
  let state: 'idle' | 'starting' | 'ready' | 'unavailable' = 'idle';
  let ready: Promise<boolean> | null = null;
  let seq = 0;
  const waiting = new Map<number, (line: string) => void>();
  /**
   * Queries in flight. The helper and its pipes are unref'd (an idle helper must not keep seep
   * running), so an answer awaited on them alone is a wait nothing keeps the event loop alive for:
   * with no other handle (a target seep attached to is not its child; an idle keep-alive socket is
   * unref'd) the loop empties and Node ends seep with exit code 13 mid-run. While a query waits, the
   * helper's process is ref'd, so the wait ends as it should: with the answer, the helper's exit (an
   * answer through drop()) or the ANSWER_MS deadline.
   */
  let asking = 0;
  const holdWhileAsked = (): void => {
    if (asking > 0) child?.ref();
    else child?.unref();
  };

  function drop(): void {
    const c = child;
    child = null;
    ready = null;
    if (state !== 'unavailable') state = 'idle';
    for (const resolve of waiting.values()) resolve('error the helper ended');
    waiting.clear();
    if (c && c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    c?.unref();
  }

  function start(): Promise<boolean> {
    if (ready) return ready;
    state = 'starting';
    // -I: no user site or environment variables steering it; -S: no site import (15 ms of start)
    const c = spawn(python, ['-I', '-S', HELPER], { stdio: ['pipe', 'pipe', 'pipe'] });
    child = c;
    // the sampler's helper must not keep seep running, nor is its exit seep's business, but while a
    // query waits for it
    holdWhileAsked();
    for (const s of [c.stdin, c.stdout, c.stderr] as const) (s as unknown as { unref?: () => void }).unref?.();
    c.stdin.on('error', () => undefined); // EPIPE once it died: its 'exit' says so
    c.stderr.resume();
    let rest = '';
    ready = new Promise<boolean>((resolve) => {
      const settle = (ok: boolean): void => {
        clearTimeout(slow);
        resolve(ok);
      };
      const unavailable = (): void => {
        state = 'unavailable';
        drop();
        settle(false);
      };
      // a helper that neither says it is ready nor exits (a stopped one) is dropped; a later start tries again
      const slow = setTimeout(() => {
        if (child !== c) return;
        drop();
        settle(false);
      }, ANSWER_MS);
      slow.unref();
      c.on('error', unavailable); // no python3
      c.on('exit', () => {
        if (child !== c) return;
        if (state === 'starting') unavailable();
        else drop();
      });
      c.stdout.setEncoding('latin1').on('data', (chunk: string) => {
        if (child !== c) return; // a dropped helper's last words
        const lines = (rest + chunk).split('\n');
        rest = lines.pop()!;
        for (const line of lines) {
          if (state === 'starting') {
            if (line === 'ready') {
              state = 'ready';
              settle(true);
            } else unavailable(); // 'error ...': netlink refused
            continue;
          }
          const space = line.indexOf(' ');
          const answer = waiting.get(Number(line.slice(0, space)));
          waiting.delete(Number(line.slice(0, space)));
          answer?.(line.slice(space + 1));
        }
      });
    });
    return ready;
  }

  async function ask(family: 4 | 6, mask: number, ports: [number, number][]): Promise<DiagAnswer> {
    if (state === 'unavailable') return { ok: false, reason: 'no sock_diag helper' };
    const started = start();
    holdWhileAsked(); // a helper already running, or starting, holds seep open until the answer
    if (!(await started) || !child) return { ok: false, reason: 'no sock_diag helper (python3 missing, netlink refused, or not ready in time)' };
    const id = ++seq;
    const c = child;
    const line = await new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('error no answer in time'), ANSWER_MS);
      timer.unref();
      waiting.set(id, (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      c.stdin.write(`${id} ${family} ${mask.toString(16)}${ports.map(([l, r]) => ` ${l}:${r}`).join('')}\n`);
    });
    if (line.startsWith('ok')) {
      try {
        return { ok: true, sockets: parseDiagLine(line.slice(3)) };
      } catch (err) {
        return { ok: false, reason: (err as Error).message };
      }
    }
    waiting.delete(id);
    if (line === 'error no answer in time' || line === 'error the helper ended') drop();
    return { ok: false, reason: `sock_diag helper: ${line.slice(6)}` };
  }

  return {
    status: () => state,
    start: () => void start(),
    async query(family, mask, ports = []) {
      asking++;
      try {
        return await ask(family, mask, ports);
      } finally {
        asking--;
        holdWhileAsked();
      }
    },
    pid: () => child?.pid ?? null,
    close: drop,
  };
}
