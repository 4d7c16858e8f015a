/* eslint-disable @typescript-eslint/no-require-imports -- plain CJS: loaded by seepAgent.cjs into any Node target */
// The agent's 'allocationSites' op: where what survives was allocated, cheap enough for every
// boundary read. V8's sampling heap profiler runs in the target from the baseline on; after the
// forced GC its profile holds only the samples still alive, so the bytes per site are the live bytes
// allocated there since the baseline (an estimate: V8 scales each sample by its sampling odds).
//
// Cost, measured on the shared 2-core test machine (Node 20): a read (getSamplingProfile and the
// walk, over the agent's socket) takes about 6 ms on fixtures/node-service. A sample costs about
// 2 µs (a stack walk), so sampling every 1 KiB costs about 2 µs per KiB a step allocates: that
// service's requests, which allocate 0.8 MB each, went from 3.2-3.5 ms to 3.7-5.7 ms (4 KiB: not
// measurably slower); a request that allocates 20 KB pays ~40 µs. 1 KiB is kept because at 4 KiB a
// leak of one 100-byte object per step gets a sample every 40 steps, too few to see in a run.
// Heap snapshots, the other way to count per constructor, cost the heap again in memory and
// seconds per read: they stay after the measured phase.
'use strict';
const inspector = require('node:inspector');

/** bytes between samples on average: small, so a leak of one small object per step is seen in a few dozen steps */
const DEFAULT_SAMPLING_INTERVAL = 1024;
/** the widest interval a pace may ask for: a sample every 1 MiB */
const MAX_SAMPLING_INTERVAL = 1 << 20;

/**
 * The interval for at most `samplesPerSecond` samples a second at the pace the target allocated
 * since the last baseline (`allocatedPerSecond`, bytes): a power of two, from the default up. A
 * soak under load asks it (runner/typeGrowthCollector.ts): at 1 KiB, fixtures/node-service's
 * GET /healthz under autocannon took 1.9x the CPU a request (28 -> 56 us), half the server's
 * throughput, for samples of ~2 us each; a service that allocates little keeps 1 KiB.
 */
function paceInterval(allocatedPerSecond, samplesPerSecond) {
  let interval = DEFAULT_SAMPLING_INTERVAL;
  while (interval < MAX_SAMPLING_INTERVAL && allocatedPerSecond / interval > samplesPerSecond) interval *= 2;
  return interval;
}
const DEFAULT_LIMIT = 20;

let session = null;
/** sampling runs (from a baseline until a stop) */
let sampling = false;
/** the sites of the profile a forced GC took as its first pass (profileAsGc), for the read of the same boundary */
let kept = null;
/** seep's own files, left out of the sites (createAllocationSites) */
let ownFiles = [];

function post(method, params) {
  return new Promise((resolve, reject) => {
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function isUserUrl(url) {
  return Boolean(url) && !url.startsWith('node:');
}

function frameName(f) {
  return `${f.functionName || '(anonymous)'} ${f.url.replace(/^file:\/\//, '')}:${f.lineNumber + 1}`;
}

// Site keys, interned once for the process: the agent's record names a site by its index here. A
// site is a line of code, so the table grows with the code that allocates, not with what it keeps.
const siteKeys = [];
const siteIndex = new Map();
function siteOf(key) {
  let i = siteIndex.get(key);
  if (i === undefined) {
    i = siteKeys.length;
    siteKeys.push(key);
    siteIndex.set(key, i);
  }
  return i;
}

/**
 * The live samples of a profile, sorted by ordinal (V8 numbers them as taken): the site each counts
 * for, its size, and how many reads have seen it (givenBackSince; at most 255, as only 2 or more
 * matters). In typed arrays, whose contents are external memory, not the JS heap seep judges: at a
 * sample per KiB a target that keeps 3 MB has ~3000 live samples, and as a Map of objects (60-150
 * bytes a sample) their record grew the judged heap with what the target keeps (the corpus' LRU
 * cache of 20 entries of ~150 KB, turning over after the baseline: +250-460 KB in the measured phase).
 */
function aliveOf(ordinals, sites, sizes) {
  const n = ordinals.length;
  // a plain array: garbage the next full GC frees in the heap, where a typed array's contents
  // would stay in external memory until V8 sweeps its array buffers
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => ordinals[a] - ordinals[b]);
  const alive = { n, ordinal: new Float64Array(n), site: new Int32Array(n), size: new Uint32Array(n), reads: new Uint8Array(n) };
  for (let i = 0; i < n; i++) {
    alive.ordinal[i] = ordinals[order[i]];
    alive.site[i] = sites[order[i]];
    alive.size[i] = sizes[order[i]];
  }
  return alive;
}

/**
 * Live sampled bytes per site: the innermost frame of the target's own code (a file, not node:),
 * an anonymous function named after its nearest named caller; an allocation inside Node or a
 * builtin (an array's push, an emitter's listener list) is named with the target's frame that
 * called it. What the agent or seep's worker allocated (their files are `ownFiles`) is left out;
 * the target's code they call is not. Bytes and sample counts by site index (siteKeys), and the
 * live samples (aliveOf): nothing of the walk outlives it but typed arrays.
 */
function sitesOf(profile, ownFiles) {
  const bytesBy = [];
  const byNode = new Map();
  // site: the nearest frame of the target's code above this node ('' when none); own: that the
  // nearest file frame is seep's
  const walk = (node, site, named, own) => {
    const f = node.callFrame;
    if (ownFiles.some((file) => f.url.endsWith(file))) {
      own = true;
    } else if (isUserUrl(f.url)) {
      own = false;
      site = frameName(f) + (!f.functionName && named ? ` in ${named}` : '');
      if (f.functionName) named = f.functionName;
    }
    if (node.selfSize > 0 && !own) {
      const inner = isUserUrl(f.url) ? site : `${f.functionName || '(native)'}${f.url ? ` ${f.url}` : ''}`;
      const i = siteOf(isUserUrl(f.url) || !site ? inner : `${inner} via ${site}`);
      bytesBy[i] = (bytesBy[i] || 0) + node.selfSize;
      byNode.set(node.id, i);
    }
    for (const c of node.children) walk(c, site, named, own);
  };
  walk(profile.head, '', '', false);
  const bytes = new Float64Array(siteKeys.length);
  for (let i = 0; i < bytesBy.length; i++) bytes[i] = bytesBy[i] || 0;
  const samples = new Int32Array(siteKeys.length);
  const ordinals = [];
  const sites = [];
  const sizes = [];
  for (const s of profile.samples || []) {
    const i = byNode.get(s.nodeId);
    if (i === undefined) continue;
    samples[i]++;
    ordinals.push(s.ordinal);
    sites.push(i);
    sizes.push(s.size);
  }
  return { bytes, samples, alive: aliveOf(ordinals, sites, sizes) };
}

/**
 * The bytes a sample stands for, as V8 scales it in the profile's selfSize: a sample of `size` bytes
 * taken every `interval` bytes on average stands for size / (1 - e^(-size/interval)) bytes
 * (SamplingHeapProfiler::ScaleSample).
 */
function scaledBytes(size, interval) {
  return size > 0 ? size / (1 - Math.exp(-size / interval)) : 0;
}

/**
 * What each site gave back since the baseline: the bytes of its samples that were alive at two
 * reads or more and are gone at this one. Counts cannot tell a cache that evicts one entry and adds
 * one from a leak that adds one (both read +1 sample, or 0); the samples' identities can: what a
 * leak keeps is never given back, an LRU gives back all it held once it has turned over (goleak's
 * "identities, not counts"). What was allocated and freed between two reads is never seen; what
 * lived across one read only (the last request's state) is left out, as a leak's line may make it
 * too. Counts each sample's reads into `alive`. Both records are sorted by ordinal: one merge.
 * Returns givenBack (bytes by site index), grown to the sites known.
 */
function givenBackSince(previous, alive, interval, givenBack) {
  if (givenBack.length < siteKeys.length) {
    const grown = new Float64Array(siteKeys.length);
    grown.set(givenBack);
    givenBack = grown;
  }
  let i = 0;
  let j = 0;
  while (i < previous.n || j < alive.n) {
    if (j >= alive.n || (i < previous.n && previous.ordinal[i] < alive.ordinal[j])) {
      if (previous.reads[i] >= 2) givenBack[previous.site[i]] += scaledBytes(previous.size[i], interval);
      i++;
    } else if (i < previous.n && previous.ordinal[i] === alive.ordinal[j]) {
      alive.reads[j] = Math.min(previous.reads[i] + 1, 255);
      i++;
      j++;
    } else {
      alive.reads[j] = 1;
      j++;
    }
  }
  return givenBack;
}

/**
 * A forced GC's first pass, when the boundary will read the sites: V8's profile, whose own full GC
 * (kSamplingForceGC) runs right before the agent's gc(), walked at once into the sites, kept for the
 * read that follows; the profile itself is garbage for the agent's gc(), so the heap the boundary
 * reads does not hold it. The read used to run it 100-400 ms later, after seep's /proc read: a third
 * full GC, which under load deoptimized again what the server had optimized since the first
 * (fixtures/node-service under autocannon, code marked for deoptimization 'weak objects' per
 * checkpoint: 21-44, median 24, with the profile's GC right after gc(); 22-46, median 31, 150 ms
 * after; 23-67, median 43, 400 ms after). Returns whether it stood in for a GC (sampling is on);
 * otherwise nothing is kept.
 */
async function profileAsGc() {
  kept = null;
  if (!session || !sampling) return false;
  kept = sitesOf((await post('HeapProfiler.getSamplingProfile', {})).profile, ownFiles);
  return true;
}

/**
 * Sampling stops with the profiler disabled: HeapProfiler.stopSampling gives a last profile, and
 * runs a full GC for it (a Mark-Compact 'sampling profiler' under --trace-gc), which a baseline taken
 * again at every warmup read, or a stop at a heap too large to read (2.7 s at 672 MB), paid for nothing
 */
async function stopSampling() {
  sampling = false;
  kept = null;
  await post('HeapProfiler.disable', {}).catch(() => undefined);
}

/** the bytes of typed arrays in the record of live samples (aliveOf), and in sitesOf's by-site arrays */
function aliveBytes(alive) {
  return alive.ordinal.byteLength + alive.site.byteLength + alive.size.byteLength + alive.reads.byteLength;
}
function sitesBytes(sites) {
  return sites.bytes.byteLength + sites.samples.byteLength + aliveBytes(sites.alive);
}

/** the record's bytes held by the reader (createAllocationSites), beside what `kept` holds */
let recordBytes = () => 0;

/**
 * The external memory the agent's records hold (their typed arrays' contents): not the target's.
 * seep judges a Node heap as used + external (runtimeHeap.ts), and at a sample per KiB the records
 * of a target that keeps 3 MB hold ~100 KB (17 bytes a live sample, in the last read's record and
 * the one `kept` for the next): left in, they read as the target's growth where a cache turns over.
 */
function ownExternalBytes() {
  return recordBytes() + (kept ? sitesBytes(kept) : 0);
}

/** a GC that took no profile (the boundary reads no sites, or reused the target's own GC): none kept */
function forgetProfile() {
  kept = null;
}

/**
 * {action: 'baseline', samplingInterval?, samplesPerSecond?} starts sampling (again, from nothing),
 * every samplingInterval bytes, or with samplesPerSecond at most that many samples a second at the
 * pace the target allocated since the last baseline (paceInterval; the first: the default); {action: 'read',
 * minBytes?, limit?, track?: [names]} returns every site in `track` (the ones the caller follows
 * already, so its series has no holes) and, of the others, the top `limit` by live bytes above minBytes,
 * with what each of them gave back since the baseline (givenBackSince) where it gave any.
 * {action: 'stop'} stops sampling (a heap too large to read at every boundary).
 * No GC asked here, but V8 runs a full GC before every profile it gives (the inspector starts the
 * sampling with kSamplingForceGC): a read is a full GC in the target, so a soak's checkpoint that
 * spares the target a forced GC takes no read (runner/typeGrowthCollector.ts). A read after a forced
 * GC that took the profile as its first pass (profileAsGc) has its sites and runs no GC.
 */
function createAllocationSites(own, allocated = () => 0) {
  ownFiles = own;
  // the last baseline: when, and the bytes allocated by then (its pace for the next one)
  let since = null;
  // the samples alive at the last read, and what each site gave back since the baseline (givenBackSince)
  let lastAlive = aliveOf([], [], []);
  let givenBack = new Float64Array(0);
  let interval = DEFAULT_SAMPLING_INTERVAL;
  recordBytes = () => aliveBytes(lastAlive) + givenBack.byteLength;
  return async function allocationSites(req) {
    const action = req.action || 'read';
    if (action === 'baseline') {
      const now = { at: performance.now(), bytes: allocated() };
      const pace = since && now.at > since.at ? ((now.bytes - since.bytes) / (now.at - since.at)) * 1000 : null;
      since = now;
      if (!session) {
        session = new inspector.Session();
        session.connect();
      } else {
        await stopSampling();
      }
      await post('HeapProfiler.enable', {});
      kept = null;
      const samplesPerSecond = Number(req.samplesPerSecond) || 0;
      const samplingInterval = Number(req.samplingInterval) || (samplesPerSecond > 0 && pace !== null ? paceInterval(pace, samplesPerSecond) : DEFAULT_SAMPLING_INTERVAL);
      await post('HeapProfiler.startSampling', { samplingInterval });
      sampling = true;
      interval = samplingInterval;
      lastAlive = aliveOf([], [], []);
      givenBack = new Float64Array(0);
      return { samplingInterval, ...(pace !== null ? { allocatedPerSecond: Math.round(pace) } : {}) };
    }
    if (action === 'stop') {
      kept = null;
      if (session) await stopSampling();
      return { stopped: session !== null };
    }
    if (action !== 'read') throw new Error(`allocationSites action must be 'baseline', 'read' or 'stop', got '${action}'`);
    if (!session) throw new Error("allocationSites has no baseline; call action 'baseline' first");
    const { bytes, samples, alive } = kept || sitesOf((await post('HeapProfiler.getSamplingProfile', {})).profile, ownFiles);
    kept = null;
    givenBack = givenBackSince(lastAlive, alive, interval, givenBack);
    lastAlive = alive;
    const minBytes = Number(req.minBytes) || 0;
    const limit = Number(req.limit) || DEFAULT_LIMIT;
    const track = new Set((Array.isArray(req.track) ? req.track : []).filter((n) => typeof n === 'string'));
    const top = [];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] > minBytes && !track.has(siteKeys[i])) top.push([siteKeys[i], bytes[i]]);
    top.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const sites = Object.fromEntries(top.slice(0, limit));
    const at = (values, name) => (siteIndex.has(name) ? values[siteIndex.get(name)] || 0 : 0);
    for (const name of track) sites[name] = at(bytes, name);
    const counts = {};
    const gave = {};
    for (const name of Object.keys(sites)) {
      counts[name] = at(samples, name);
      // a sample's size is never 0: a site gave some back when its bytes are above 0
      if (at(givenBack, name) > 0) gave[name] = Math.round(at(givenBack, name));
    }
    return { sites, samples: counts, givenBack: gave };
  };
}

module.exports = { createAllocationSites, sitesOf, profileAsGc, forgetProfile, ownExternalBytes, paceInterval };
