// The process that started seep, on the socket it handed seep (a test runner's plugin: the pytest
// plugin's agents/python/seep_caller.py). It speaks the function worker's protocol with the roles of
// who started whom reversed: it greets with its pid, then runs in its own process whatever seep asks
// (the test body as `call`, `setenv`, the agent's ops), where the test's fixtures live. seep did not
// start it and never signals it: closing the channel ends its part, and its end closing (it exited,
// or stopped serving) ends the run.
import net from 'node:net';
import { JsonLinesChannel } from '../channel/jsonLinesChannel.ts';
import { LOAD_TIMEOUT_MS } from './functionWorker.ts';

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export interface CallerChannel {
  pid: number;
  request(op: string, params?: object, timeoutMs?: number): Promise<unknown>;
  /** runs the function the caller serves; rejects with TargetError when it raises */
  call(fn: string, args: unknown[], timeoutMs?: number): Promise<unknown>;
  /** resolves with why, when the caller's end closes */
  closed: Promise<string>;
  isOpen(): boolean;
  close(): void;
}

/** Opens the socket at `fd` and waits for the caller's greeting; throws, naming the fd, when there is none. */
export async function connectCaller(fd: number, signal?: AbortSignal): Promise<CallerChannel> {
  let socket: net.Socket;
  try {
    socket = new net.Socket({ fd, readable: true, writable: true });
  } catch (err) {
    throw new Error(`--fd ${fd}: not a socket to the process that started seep: ${(err as Error).message}`, { cause: err });
  }
  let open = true;
  let closedBecause!: (why: string) => void;
  const closed = new Promise<string>((resolve) => (closedBecause = resolve));
  const channel = new JsonLinesChannel(socket, (err) => channel.fail(new Error(`the channel to the process that started seep failed: ${err.message}`, { cause: err })), { peer: 'caller' });
  socket.on('close', () => {
    open = false;
    const why = 'the process that started seep closed its channel (it exited, or stopped serving)';
    channel.fail(new Error(why));
    closedBecause(why);
  });
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  try {
    // whichever comes first; the greeting (the channel's id 0) also fails when the socket closes
    const greeting = (await new Promise<unknown>((resolve, reject) => {
      channel.ready().then(resolve, reject);
      timer = setTimeout(() => reject(new Error(`--fd ${fd}: the process that started seep did not greet it within ${LOAD_TIMEOUT_MS} ms`)), LOAD_TIMEOUT_MS);
      onAbort = () => reject(new Error('interrupted before the process that started seep greeted it'));
      if (signal?.aborted) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    })) as { pid?: unknown } | null;
    if (typeof greeting?.pid !== 'number') throw new Error(`--fd ${fd}: the greeting names no pid: ${JSON.stringify(greeting)}`);
    const pid = greeting.pid;
    return {
      pid,
      request: (op, params = {}, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) => channel.request(op, params, `${op} in the process that started seep`, timeoutMs),
      call: (fn, args, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS) => channel.request('call', { fn, args }, `${fn}()`, timeoutMs),
      closed,
      isOpen: () => open,
      close: () => channel.close(),
    };
  } catch (err) {
    channel.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
