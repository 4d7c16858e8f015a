// seep's side of the agent channel: JSON lines over the unix socket the agent listens on inside the
// target (Node: seepAgent.cjs, Python: sitecustomize.py). The target creates the socket some time
// after it starts, so connecting retries until it appears or the timeout wins.
import net from 'node:net';

export interface AgentClient {
  request(op: string, params?: object): Promise<unknown>;
  close(): void;
}

export interface AgentErrorInfo {
  type: string;
  message: string;
  traceback: string;
}

/** The agent answered, with an error raised inside the target. */
export class AgentError extends Error {
  constructor(
    readonly op: string,
    readonly info: AgentErrorInfo,
  ) {
    super(`agent op '${op}' failed in the target: ${info.type}: ${info.message}`);
  }
}

interface Reply {
  id: number | null;
  ok: boolean;
  result?: unknown;
  error?: AgentErrorInfo;
}

const RETRY_MS = 50;

function connectOnce(socketPath: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(socketPath);
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', reject);
  });
}

export async function connectAgent(
  socketPath: string,
  opts: { timeoutMs?: number; requestTimeoutMs?: number; signal?: AbortSignal } = {},
): Promise<AgentClient> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let sock: net.Socket | undefined;
  let lastErr: unknown;
  while (!sock) {
    opts.signal?.throwIfAborted();
    try {
      sock = await connectOnce(socketPath);
    } catch (err) {
      lastErr = err;
      const code = (err as NodeJS.ErrnoException).code;
      // ENOENT: not created yet; ECONNREFUSED: created but not listening yet (or a stale file)
      if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw err;
      if (Date.now() >= deadline) {
        throw new Error(`no seep agent answered on ${socketPath} within ${opts.timeoutMs ?? 10_000} ms (${(lastErr as Error).message}); was the target started with agentEnv()?`);
      }
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
  return wrap(sock, opts.requestTimeoutMs ?? 120_000);
}

function wrap(sock: net.Socket, requestTimeoutMs: number): AgentClient {
  const pending = new Map<number, { op: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  let closedWith: Error | null = null;
  let partial = '';
  const failAll = (err: Error) => {
    closedWith ??= err;
    for (const p of pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    pending.clear();
  };
  sock.setEncoding('utf8');
  sock.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      let reply: Reply;
      try {
        reply = JSON.parse(line) as Reply;
      } catch (err) {
        failAll(new Error(`agent sent a line that is not JSON: ${line.slice(0, 200)} (${(err as Error).message})`));
        sock.destroy();
        return;
      }
      const p = reply.id === null ? undefined : pending.get(reply.id);
      if (!p) continue;
      pending.delete(reply.id!);
      clearTimeout(p.timer);
      if (reply.ok) p.resolve(reply.result ?? null);
      else p.reject(new AgentError(p.op, reply.error ?? { type: 'Error', message: 'no error detail', traceback: '' }));
    }
  });
  sock.on('error', (err) => failAll(new Error(`agent connection failed: ${err.message}`)));
  sock.on('close', () => failAll(new Error('agent connection closed (did the target exit?)')));
  return {
    request(op, params = {}) {
      if (closedWith) return Promise.reject(closedWith);
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`agent op '${op}' got no reply within ${requestTimeoutMs} ms`));
        }, requestTimeoutMs);
        pending.set(id, { op, resolve, reject, timer });
        sock.write(`${JSON.stringify({ ...params, id, op })}\n`);
      });
    },
    close() {
      failAll(new Error('agent client closed'));
      sock.destroy();
    },
  };
}
