// JSON lines over a socket, requests matched to replies by id: how seep talks to a function worker
// (its fd-3 pipe) and to the agent inside a target (a unix socket). One implementation for both.
import type { Socket } from 'node:net';

/** What the other side sends back for one request (see drivers/workers/pythonWorker.py, agents/). */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { type: string; message: string; traceback: string } };

/** An exception raised by the target (or the worker op) on the other side, with its own traceback. */
export class TargetError extends Error {
  constructor(
    readonly what: string,
    readonly type: string,
    readonly targetMessage: string,
    readonly traceback: string,
  ) {
    super(`${what} raised ${type}: ${targetMessage}`);
    this.name = 'TargetError';
    // the target's traceback is the useful one; seep's own frames say only "a call was made"
    this.stack = `${this.name}: ${this.message}\n${traceback.trimEnd()}`;
  }
}

interface Pending {
  what: string;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

export interface ChannelOptions {
  /** the other side speaks first, with id 0 (a worker: "module loaded" or the load error) */
  greeting?: boolean;
  /** who is at the other end, for messages: 'worker', 'agent' */
  peer?: string;
  /** the error for a request the other side answered with an exception */
  remoteError?: (what: string, error: { type: string; message: string; traceback: string }) => Error;
}

/**
 * Requests matched to replies by id. Replies may come in any order (the Node worker serves calls
 * concurrently). `fail` rejects every pending request at once, for a peer that died.
 */
export class JsonLinesChannel {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private partial = '';
  private failure: Error | undefined;
  private readonly hello: Promise<unknown>;

  private readonly peer: string;
  private readonly remoteError: NonNullable<ChannelOptions['remoteError']>;

  /** `onSocketError` decides what a broken socket means; usually the peer is dying and its exit says more */
  constructor(
    private readonly socket: Socket,
    onSocketError: (err: Error) => void,
    opts: ChannelOptions = {},
  ) {
    this.peer = opts.peer ?? 'worker';
    this.remoteError = opts.remoteError ?? ((what, e) => new TargetError(what, e.type, e.message, e.traceback));
    let helloResolve!: (v: unknown) => void;
    let helloReject!: (e: Error) => void;
    this.hello = new Promise((res, rej) => ((helloResolve = res), (helloReject = rej)));
    // id 0 is the worker's greeting: the module loaded, or the error that stopped it
    if (opts.greeting ?? true) this.pending.set(0, { what: 'loading the module', resolve: helloResolve, reject: helloReject });
    else helloResolve(null);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', onSocketError);
  }

  /** the worker's first message: resolves when the module loaded, rejects with the load error */
  ready(): Promise<unknown> {
    return this.hello;
  }

  request(op: string, params: object, what: string, timeoutMs: number): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        // the worker may still be busy with it; a reply arriving later finds no entry and is dropped
        this.pending.delete(id);
        reject(new Error(`${what} did not return within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { what, resolve, reject, timer });
      this.socket.write(`${JSON.stringify({ ...params, id, op })}\n`);
    });
  }

  /** reject everything pending and everything asked later; `describe` words the error for each request */
  fail(errOrDescribe: Error | ((what: string) => Error)): void {
    const make = typeof errOrDescribe === 'function' ? errOrDescribe : () => errOrDescribe;
    this.failure ??= make('a request');
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(make(p.what));
    }
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const lines = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      let reply: WorkerReply;
      try {
        reply = JSON.parse(line) as WorkerReply;
      } catch (err) {
        // only the worker writes here; a broken line means the channel can no longer be trusted
        this.fail(new Error(`${this.peer} sent a line that is not JSON: ${line.slice(0, 200)}`, { cause: err }));
        return;
      }
      const p = this.pending.get(reply.id);
      if (!p) continue; // a reply to a request that already timed out
      this.pending.delete(reply.id);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result);
      else p.reject(this.remoteError(p.what, reply.error));
    }
  }
}
