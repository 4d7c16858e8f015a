/* eslint-disable @typescript-eslint/no-require-imports -- plain CJS: loaded with --require into any Node target */
// seep's agent inside a Node target. Loaded with NODE_OPTIONS=--require <this file>, so the target
// needs no code change; the Node function worker loads it too and serves `handlers` on its own channel.
// With SEEP_AGENT_DIR set it serves JSON lines on <dir>/<pid>.sock, in every process of the tree;
// with SEEP_AGENT_SOCKET, on that unix socket in the first process only (never a TCP port: nothing
// outside this machine's user should reach a heap dumper):
//   request {"id": 1, "op": "memory", ...params}   reply {"id": 1, "ok": true, "result": ...}
//                                                       | {"id": 1, "ok": false, "error": {type, message, traceback}}
// It must never keep the target alive nor crash it: the server and its connections are unref'd and
// every request runs inside try/catch.
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');
const asyncHooks = require('node:async_hooks');

// --- bytecode kept: V8 flushes the bytecode of a function not run for 5 full GCs (--bytecode-old-age).
// seep forces two at every boundary, so the code a target ran only while starting (its module loading,
// its setup) was flushed a few boundaries into the measured steps: the heap judged stepped down there,
// 160-170 KB in a Node function target (fixtures/agent-targets/jobs.mjs, every run), 167 KB in the
// Express LRU service, and the trend test took the step for noise (7 KiB a step planted by --calibrate
// was missed in 4 of 6 runs beside a CPU hog). The bytecode of code that runs is kept anyway; of code
// that ran once, it is a bounded part of the program. ---
v8.setFlagsFromString('--no-flush-bytecode');

const MAX_WARNINGS = 200;
const MAX_TRACKED = 20_000;
const STACK_FRAMES = 12;

// --- warnings: installed at load, before the target can leak, so the first one is not missed ---
const warnings = [];
let warningsDropped = 0;
process.on('warning', (w) => {
  const entry = {
    name: w.name,
    message: w.message,
    // MaxListenersExceededWarning carries the emitter, event name and listener count
    emitter: w.emitter ? (w.emitter.constructor && w.emitter.constructor.name) || 'Object' : undefined,
    event: w.type !== undefined ? String(w.type) : undefined,
    count: typeof w.count === 'number' ? w.count : undefined,
    // the warning is created inside addListener, so its stack ends at the target's .on() call
    stack: cleanStack(w.stack),
  };
  if (warnings.length >= MAX_WARNINGS) {
    warnings.shift();
    warningsDropped++;
  }
  warnings.push(entry);
});

function cleanStack(stack) {
  if (typeof stack !== 'string') return [];
  return stack
    .split('\n')
    .slice(1)
    .map((l) => l.trim().replace(/^at /, ''))
    .filter((l) => l && !/(^|\()node:/.test(l) && !l.includes(__filename) && !/^(new )?(Error|Promise)/.test(l))
    .slice(0, STACK_FRAMES);
}

// --- resource creation stacks, the way why-is-node-running records them (async_hooks init) ---
// Off unless asked: an Error per async resource costs real time in a busy service.
const IGNORED_TYPES = new Set(['PROMISE', 'TickObject', 'Microtask', 'RANDOMBYTESREQUEST', 'ELDHISTOGRAM']);
const tracked = new Map();
let trackedDropped = 0;
let hook = null;
function startTracking() {
  if (hook) return false;
  hook = asyncHooks.createHook({
    init(asyncId, type, _triggerId, resource) {
      if (IGNORED_TYPES.has(type)) return;
      if (tracked.size >= MAX_TRACKED) {
        trackedDropped++;
        return;
      }
      // a WeakRef: holding the resource would itself be a leak seep then reports
      tracked.set(asyncId, { type, ref: new WeakRef(resource), stack: cleanStack(new Error().stack) });
    },
    destroy(asyncId) {
      tracked.delete(asyncId);
    },
  });
  hook.enable();
  trackFds();
  return true;
}

// --- file descriptors opened with fs.openSync / fs.open: not async resources, so no hook sees them ---
// Their opening stack is kept while they are open (closeSync / close forget it), so an fd left open
// on an error path names the line that opened it. Patched once, when tracking starts.
const openFds = new Map();
let fdsPatched = false;
function trackFds() {
  if (fdsPatched) return;
  fdsPatched = true;
  const fs = require('node:fs');
  const remember = (fd) => {
    if (hook && typeof fd === 'number' && openFds.size < MAX_TRACKED) openFds.set(fd, cleanStack(new Error().stack));
  };
  const { openSync, open, closeSync, close } = fs;
  fs.openSync = function openSyncTracked(...args) {
    const fd = openSync.apply(this, args);
    remember(fd);
    return fd;
  };
  fs.open = function openTracked(...args) {
    const cb = args.at(-1);
    if (typeof cb === 'function') {
      const stack = hook ? cleanStack(new Error().stack) : null;
      args[args.length - 1] = function (err, fd) {
        if (!err && stack && typeof fd === 'number' && openFds.size < MAX_TRACKED) openFds.set(fd, stack);
        return cb.apply(this, arguments);
      };
    }
    return open.apply(this, args);
  };
  fs.closeSync = function closeSyncTracked(fd, ...rest) {
    openFds.delete(fd);
    return closeSync.call(this, fd, ...rest);
  };
  fs.close = function closeTracked(fd, ...rest) {
    openFds.delete(fd);
    return close.call(this, fd, ...rest);
  };
  // `import { openSync } from 'node:fs'` reads the ESM namespace: bring it up to date
  require('node:module').syncBuiltinESMExports();
}
if (process.env.SEEP_AGENT_TRACK_RESOURCES === '1') startTracking();

// --- gc without --expose-gc: turn the flag on and fetch gc from a fresh context ---
let gcFn = typeof globalThis.gc === 'function' ? globalThis.gc : null;
/**
 * Two full GCs back to back: the first pass runs finalizers and weak callbacks that free more for
 * the second. With `sites` (the boundary reads the allocation sites next), the first is the one
 * V8's heap profiler runs before it gives its profile, walked into the sites for that read
 * (allocationSites.cjs profileAsGc), rather than a third full GC after seep's /proc read. The profile
 * is the first pass, not the second, so that the heap the boundary reads holds none of it: its
 * objects (70-220 KB in the Express worker-per-job service, fixtures/corpus/servers) and the walk's
 * garbage die in the second.
 */
async function collect(sites) {
  // returns whether the profile was the first pass
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc');
  }
  const from = performance.now();
  let profiled = false;
  try {
    profiled = sites === true && (await allocationSiteProfile.profileAsGc());
  } finally {
    // its GC is not flagged forced: seep's, not the target's own
    if (profiled) fullGcs.seepSpan(from);
  }
  if (!profiled) gcFn();
  gcFn();
  fullGcs.record(true);
  return profiled;
}

// --- line-end tables, made before the baseline: V8 gives a sampling heap profile's frames their line
// numbers from a table of the script's line ends, made the first time a profile names the script and
// kept on it, in the target's heap (Script::InitLineEnds, 8 bytes a line). The sites read at every
// measured boundary (allocationSites.cjs) named scripts one by one as live samples reached them:
// seep's bytes, judged as the target's heap growing. In the function worker running
// fixtures/corpus/previewSpawner.mjs (fixed twin, 25 warmup + 20 measured) the first two reads made
// 15 tables (63 KB), the next 18 another 8 (67 KB); beside a CPU hog it was once called a leak.
// Debugger.enable announces every script with its end line, which makes every table at once:
// enabled and disabled in one synchronous pair, no JavaScript runs with the debugger on. It costs
// the target once what the profile would have made in part: that worker 133 scripts, 507 KB of heap,
// ~30 ms of CPU (an Express app: 252 scripts, 735 KB, 1.4 MB of RSS); again, with the tables made,
// 3-8 ms. Made at the process's first forced GC, and at each forced GC from the first sites baseline
// to the first sites read, so the scripts loaded in the warmup have theirs in the baseline's heap too.
// A process whose sites are never read (a service's worker) makes them once. ---
const inspector = require('node:inspector');
let tableSession = null;
/** the next forced GC makes the tables: the first, then those between a sites baseline and the first read */
let tablesDue = true;
let sitesRead = false;
function makeLineEndTables() {
  if (!tableSession) {
    tableSession = new inspector.Session();
    tableSession.connect();
  }
  let failed = null;
  const answered = (err) => {
    if (err && !failed) failed = err;
  };
  // an in-process session answers synchronously
  tableSession.post('Debugger.enable', answered);
  tableSession.post('Debugger.disable', answered);
  if (failed) throw new Error(`making the scripts' line-end tables before the baseline: ${failed.message}`);
}
/** before a forced GC (this agent's 'gc', the function worker's own): the tables, when due */
function beforeForcedGc() {
  if (!tablesDue) return;
  tablesDue = false;
  makeLineEndTables();
}

// --- the heap after the last full GC, the target's own or seep's: a soak under load reads it rather
// than force one at every checkpoint (fullGcHeap.cjs) ---
// per-site live bytes at every boundary (allocationSites.cjs, created below); its records' external
// memory is seep's, left out of the target's figures
const allocationSiteProfile = require('./allocationSites.cjs');
const { watchFullGcs, heapWithCode } = require('./fullGcHeap.cjs');
const fullGcs = watchFullGcs(allocationSiteProfile.ownExternalBytes);

/** process.memoryUsage() with the agent's own external memory (its records' typed arrays) left out */
function targetMemoryUsage() {
  const usage = process.memoryUsage();
  const own = allocationSiteProfile.ownExternalBytes();
  return { ...usage, external: usage.external - own, arrayBuffers: usage.arrayBuffers - own };
}

/**
 * What holds the event loop open, by type ('Timeout', 'TCPSocketWrap', 'FSReqCallback', ...): read at
 * every boundary, judged as the counted resource 'handles'. getActiveResourcesInfo lists only what
 * is ref'd, and our own server and connections are unref'd, so they are not in it; they are taken
 * off only while a ref'd one is seen (a target that ref()s every handle it can find).
 */
function activeCounts() {
  const counts = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] || 0) + 1;
  const own = (agentServer && typeof agentServer._handle?.hasRef === 'function' && agentServer._handle.hasRef() ? 1 : 0)
    + [...ownSockets].filter((c) => c._handle && typeof c._handle.hasRef === 'function' && c._handle.hasRef()).length;
  if (own && counts.PipeWrap) counts.PipeWrap -= own;
  for (const k of Object.keys(counts)) if (counts[k] <= 0) delete counts[k];
  return counts;
}

// --- a known leak, planted on request (seep run --calibrate): a Buffer of the asked size, touched so
// it is resident, held by an object of a named class so that type evidence names it too ---
class SeepPlantedLeak {
  constructor(bytes) {
    this.payload = Buffer.alloc(bytes, 0x5a);
  }
}
const planted = [];

/**
 * The heap as the last 'gc' request's full GC left it: the one it forced, read in the same tick as
 * the GC, or the target's own it reused (fullGcHeap.cjs, one shape for both). By the time a
 * boundary's 'memory' is asked (after seep's /proc reads, 70-200 ms under load), a service under load
 * has allocated for the requests in flight, garbage no GC has run on yet (a JSON API at 40 requests a
 * second read 0.3-0.5 MB above its heap after GC at some boundaries). Given once, to the boundary's
 * read that asks for it.
 */
let afterGc = null;

const handlers = {
  // reuseWithinMs: no GC forced when a full GC (the target's own) ended that recently; its heap stands.
  // sites: the boundary reads the allocation sites after it (collect())
  async gc(req) {
    const ageMs = fullGcs.ageMs();
    if (typeof req.reuseWithinMs === 'number' && ageMs !== null && ageMs <= req.reuseWithinMs) {
      allocationSiteProfile.forgetProfile();
      afterGc = fullGcs.last().figures;
      return { forced: false, ageMs };
    }
    beforeForcedGc();
    const profiled = await collect(req.sites);
    const last = fullGcs.last();
    afterGc = last ? last.figures : null;
    return { forced: true, heapUsed: afterGc ? afterGc.heap.used_heap_size : process.memoryUsage().heapUsed, ...(profiled ? { profiled } : {}) };
  },
  // afterGc (a soak's boundary read): the heap the last 'gc' request left or reused, once
  memory(req) {
    const reply = { memoryUsage: targetMemoryUsage(), heap: heapWithCode(), handles: activeCounts() };
    if (req.afterGc) {
      if (afterGc) reply.afterGc = afterGc;
      afterGc = null;
    }
    return reply;
  },
  snapshot(req) {
    if (typeof req.path !== 'string' || !req.path) throw new TypeError("snapshot needs a 'path'");
    const file = v8.writeHeapSnapshot(req.path);
    return { path: file, bytes: fs.statSync(file).size };
  },
  trackResources(req) {
    if (req.enable === false) {
      if (hook) hook.disable();
      hook = null;
      return { tracking: false };
    }
    return { tracking: true, started: startTracking() };
  },
  activeResources() {
    const counts = activeCounts();
    const groups = new Map();
    for (const r of tracked.values()) {
      const res = r.ref.deref();
      if (!res) continue;
      // a resource that no longer holds the loop (unref'd timer, closed handle) is not a leak
      if (typeof res.hasRef === 'function' && !res.hasRef()) continue;
      if (res === agentServer || ownSockets.has(res)) continue;
      const key = r.type + '\n' + r.stack.join('\n');
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { type: r.type, count: 1, stack: r.stack });
    }
    for (const stack of openFds.values()) {
      const key = 'FD\n' + stack.join('\n');
      const g = groups.get(key);
      if (g) g.count++;
      else groups.set(key, { type: 'FD', count: 1, stack });
    }
    const sites = [...groups.values()].sort((a, b) => b.count - a.count);
    return { counts, tracking: hook !== null, dropped: trackedDropped, sites };
  },
  warnings() {
    return { warnings: warnings.slice(), dropped: warningsDropped };
  },
  ping() {
    return { pid: process.pid, node: process.version };
  },
  // the Node running this process, as it is: not the node that PATH would start now
  runtime() {
    let executable = process.execPath;
    try {
      executable = fs.readlinkSync('/proc/self/exe');
    } catch {
      // no /proc (not Linux): execPath is the binary's path as Node resolved it
    }
    return { name: 'node', version: process.version.replace(/^v/, ''), executable, pid: process.pid };
  },
  plant(req) {
    const bytes = req.bytes;
    if (!Number.isInteger(bytes) || bytes < 0 || bytes > 1 << 30) throw new TypeError(`plant needs 'bytes', a whole number up to 1 GiB, got ${bytes}`);
    planted.push(new SeepPlantedLeak(bytes));
    return { count: planted.length, bytes: planted.length * bytes };
  },
};

// seep's own files are not the target's
const allocationSites = allocationSiteProfile.createAllocationSites([
  'agents/node/seepAgent.cjs',
  'agents/node/allocationSites.cjs',
  'agents/node/fullGcHeap.cjs',
  'drivers/workers/nodeWorker.mjs',
], () => fullGcs.allocated());
// V8's heap profiler runs a full GC of its own before each profile it gives (and as it stops), not
// flagged as forced: seep's, not the target's, for a checkpoint that would reuse the target's own
handlers.allocationSites = async (req) => {
  const action = req.action || 'read';
  if (action !== 'baseline') sitesRead = true;
  else if (!sitesRead) tablesDue = true;
  const from = performance.now();
  try {
    return await allocationSites(req);
  } finally {
    fullGcs.seepSpan(from);
  }
};

function toError(err) {
  if (err instanceof Error) return { type: err.name, message: err.message, traceback: err.stack || String(err) };
  return { type: typeof err, message: String(err), traceback: '' };
}

async function dispatch(req) {
  try {
    if (!req || typeof req !== 'object') throw new TypeError('request must be a JSON object');
    const h = Object.prototype.hasOwnProperty.call(handlers, req.op) ? handlers[req.op] : undefined;
    if (!h) throw new Error(`unknown op '${req.op}'; known: ${Object.keys(handlers).join(', ')}`);
    return { id: req.id, ok: true, result: (await h(req)) ?? null };
  } catch (err) {
    return { id: req && req.id !== undefined ? req.id : null, ok: false, error: toError(err) };
  }
}

let agentServer = null;
const ownSockets = new Set();

function serve(socketPath) {
  try {
    fs.unlinkSync(socketPath);
  } catch (err) {
    if (err.code !== 'ENOENT') process.stderr.write(`seep agent: cannot remove stale ${socketPath}: ${err.message}\n`);
  }
  const server = net.createServer((conn) => {
    conn.unref();
    ownSockets.add(conn);
    conn.on('close', () => {
      ownSockets.delete(conn);
    });
    conn.on('error', () => conn.destroy());
    let partial = '';
    conn.on('data', (chunk) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() || '';
      for (const line of lines) {
        if (!line.trim()) continue;
        let req;
        try {
          req = JSON.parse(line);
        } catch (err) {
          conn.write(JSON.stringify({ id: null, ok: false, error: toError(err) }) + '\n');
          continue;
        }
        dispatch(req).then((reply) => {
          let text;
          try {
            text = JSON.stringify(reply);
          } catch (err) {
            text = JSON.stringify({ id: reply.id, ok: false, error: toError(err) });
          }
          if (!conn.destroyed) conn.write(text + '\n');
        });
      }
    });
  });
  server.on('error', (err) => process.stderr.write(`seep agent: cannot serve on ${socketPath}: ${err.message}\n`));
  server.listen(socketPath);
  server.unref();
  agentServer = server;
}

// npm, npx and friends are Node too: the agent belongs in the program they start, not in them. So
// are tsx's and nodemon's command lines, which start the program in a child node of their own.
const LAUNCHER = /[\\/](npm|npx|yarn|pnpm|corepack|tsx|nodemon)(-cli)?(\.c?js)?$|[\\/]tsx[\\/]dist[\\/]cli\.m?js$|[\\/]nodemon[\\/]bin[\\/]nodemon\.js$/;
const launcher = LAUNCHER.test(process.argv[1] || '');
const socketDir = process.env.SEEP_AGENT_DIR;
const socketPath = process.env.SEEP_AGENT_SOCKET;
if (launcher && socketDir && require.main !== module) {
  // seep reads the tree from /proc and would take a silent node for one the agent could not reach:
  // say that this one only launches (the file goes with the run's folder)
  try {
    fs.writeFileSync(path.join(socketDir, `${process.pid}.launcher`), process.argv.slice(1, 3).join(' '));
  } catch {
    // the folder is gone: seep stopped watching
  }
}
if (!launcher && require.main !== module) {
  // a worker thread loads --require modules too, with the same pid: only the main thread serves
  if (socketDir && require('node:worker_threads').isMainThread) {
    // Every Node process of the tree serves, each on its own socket: cluster.fork() and
    // child_process.fork() start a node that inherits NODE_OPTIONS and this env, so a worker loads
    // the agent as the first process did. The file goes with the process (or with the run's folder).
    const own = path.join(socketDir, `${process.pid}.sock`);
    serve(own);
    process.on('exit', () => {
      try {
        fs.unlinkSync(own);
      } catch {
        // already gone, or the folder with it
      }
    });
  } else if (socketPath) {
    // children the target spawns inherit NODE_OPTIONS; only this process owns the socket
    delete process.env.SEEP_AGENT_SOCKET;
    serve(socketPath);
  }
}

module.exports = { handlers, dispatch, beforeForcedGc };
