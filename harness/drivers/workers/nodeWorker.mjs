// Loads one Node module and runs its exports on request from seep.
// Usage: node --expose-gc [--import <tsx>] nodeWorker.mjs <module>
//
// Requests and replies are JSON lines on fd 3, a socket seep opened for us, so the target's own
// console output stays on stdout/stderr where seep watches it.
//   request: {"id": 1, "op": "call", "fn": "name", "args": [...]}
//   reply:   {"id": 1, "ok": true, "result": ...} | {"id": 1, "ok": false, "error": {"type", "message", "traceback"}}
// The first line we send is {"id": 0, ...}: the module loaded, or why it did not.
// To add an op, add a function to OPS: it takes the request and returns (a promise of) a JSON-able result.
// Plain JavaScript: this file runs in the target's runtime, where TypeScript may not be loadable.
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const channel = new net.Socket({ fd: 3, readable: true, writable: true });

function send(message) {
  let line;
  try {
    line = JSON.stringify(message);
  } catch {
    // a result JSON cannot take (a cycle, a BigInt): its String() says what it was
    line = JSON.stringify({ ...message, result: String(message.result) });
  }
  channel.write(line + '\n');
}

function toError(err) {
  if (err instanceof Error) {
    return { type: err.constructor?.name ?? err.name, message: err.message, traceback: err.stack ?? String(err) };
  }
  return { type: typeof err, message: String(err), traceback: '' };
}

function resolveFn(mod, dotted) {
  const parts = dotted.split('.');
  // a CommonJS module arrives as { default: module.exports }
  for (const root of [mod, mod.default]) {
    let obj = root;
    let owner;
    for (const part of parts) {
      owner = obj;
      obj = obj == null ? undefined : obj[part];
    }
    if (typeof obj === 'function') return obj.bind(owner);
  }
  throw new TypeError(`${modulePath} exports no function '${dotted}' (exports: ${Object.keys(mod).join(', ') || 'none'})`);
}

const OPS = {
  async call(req) {
    const fn = resolveFn(mod, req.fn);
    const result = await fn(...(req.args ?? []));
    return result === undefined ? null : result;
  },
  gc(req) {
    if (typeof globalThis.gc !== 'function') throw new Error('global.gc is missing: the worker was started without --expose-gc');
    // the boundary reads the allocation sites next: the agent's GC, whose first pass is their profile
    if (req.sites === true) return agent.handlers.gc({ sites: true });
    // the scripts' line-end tables, when due (the agent's gc above makes them itself)
    agent.beforeForcedGc();
    // twice: the first pass runs finalizers and weak callbacks that free more for the second
    globalThis.gc();
    globalThis.gc();
    return null;
  },
  ping() {
    return { pid: process.pid };
  },
};

// seep's agent ops (memory, snapshot, activeResources, warnings, ...): the handlers a service gets
// over its unix socket, served here on the worker's own channel
const agent = createRequire(import.meta.url)('../../agents/node/seepAgent.cjs');
for (const [op, fn] of Object.entries(agent.handlers)) if (!(op in OPS)) OPS[op] = fn;

async function handle(req) {
  try {
    const op = OPS[req.op];
    if (!op) throw new Error(`unknown op '${req.op}'; known: ${Object.keys(OPS).join(', ')}`);
    send({ id: req.id, ok: true, result: await op(req) });
  } catch (err) {
    send({ id: req.id, ok: false, error: toError(err) });
  }
}

const modulePath = path.resolve(process.argv[2] ?? '');
let mod;
try {
  mod = await import(pathToFileURL(modulePath).href);
} catch (err) {
  // on stderr too: if seep sees the exit before this reply, the stderr tail still says why
  console.error(err);
  send({ id: 0, ok: false, error: toError(err) });
  channel.end(() => process.exit(1));
}
if (mod) {
  send({ id: 0, ok: true, result: { pid: process.pid, node: process.version } });
  let partial = '';
  channel.on('data', (chunk) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) void handle(JSON.parse(line));
  });
  // seep closed the channel: it is done with us, whatever handles the target keeps open
  channel.on('end', () => process.exit(0));
}

