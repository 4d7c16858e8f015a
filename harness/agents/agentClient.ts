// seep's side of the agent channel: JSON lines over the unix socket the agent listens on inside the
// target (Node: seepAgent.cjs, Python: sitecustomize.py). The target creates the socket some time
// after it starts, so connecting retries until it appears or the timeout wins.
import net from 'node:net';
import { JsonLinesChannel } from '../channel/jsonLinesChannel.ts';

export interface AgentClient {
  /** timeoutMs: how long to wait for this reply (the client's requestTimeoutMs by default) */
  request(op: string, params?: object, timeoutMs?: number): Promise<unknown>;
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
    /** "agent op 'snapshot'" */
    readonly what: string,
    readonly info: AgentErrorInfo,
  ) {
    super(`${what} failed in the target: ${info.type}: ${info.message}`);
  }
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
  const channel: JsonLinesChannel = new JsonLinesChannel(sock, (err) => channel.fail(new Error(`agent connection failed: ${err.message}`)), {
    greeting: false,
    peer: 'agent',
    remoteError: (op, error) => new AgentError(op, error),
  });
  sock.on('close', () => channel.fail(new Error('agent connection closed (did the target exit?)')));
  return {
    request: (op, params = {}, timeoutMs = requestTimeoutMs) => channel.request(op, params, `agent op '${op}'`, timeoutMs),
    close() {
      channel.fail(new Error('agent client closed'));
      channel.destroy();
    },
  };
}
