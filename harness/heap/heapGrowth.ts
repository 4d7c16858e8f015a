// What a Node heap grew by since an earlier snapshot, and what it hangs from. Objects with an id
// above the earlier snapshot's highest are new (V8 keeps ids across snapshots of one isolate and
// gives new objects higher ones). Each new object belongs to its growth point: the nearest object
// above it in the dominator tree that is old, where the new objects hang from an old one (the module
// array they are pushed into, the Map they are set in, the emitter's listener table). A growth point
// is named by the first name a developer wrote above it (leakTraceNames.ts): that is the holder, the
// thing to fix, and what its new objects retain is its growth. Types that grew are traced through
// their holder to one new instance; a holder reached only through the runtime's internals (a timer
// list) says so, with the user's functions found among what it holds as the place to look.
import type { LeakTrace, TraceReference } from '../report/runReportSchema.ts';
import { dominatorTree, holdingEdges } from './dominators.ts';
import { createHeapNames, heapNamesCollector, type HeapNames } from './leakTraceNames.ts';
import { loadSnapshotGraph, readSnapshotStrings, type SnapshotGraph } from './snapshotGraph.ts';

export interface WantedType {
  /** V8 node type ('object', 'closure', 'native') */
  type: string;
  name: string;
}

export interface HeapHolder {
  name: string;
  trace: LeakTrace;
  /** new objects of the wanted types under it (the most of any one type) */
  count: number;
  /** bytes of every new object under it */
  bytes: number;
  holds: { name: string; count: number; bytes: number }[];
}

export interface HeapGrowth {
  holders: HeapHolder[];
  /** keyed `${type}:${name}` for the wanted types with a new instance */
  traces: Record<string, LeakTrace>;
  /** wanted types (`${type}:${name}`) that hang from seep's own code in the target: its bookkeeping, not the user's growth */
  seepOwned: string[];
}

/** a growth point counts as a type's holder when it holds this share of the type's new instances */
const HOLDER_SHARE = 0.3;
/** forward search from a holder to one of its new objects */
const MAX_DOWN_NODES = 200_000;
const MAX_DOWN_DEPTH = 24;
/** user functions named as where an internally held growth was made */
const MAX_ALLOCATED_AT = 3;

export interface HeapGrowthOptions {
  newerThan: number;
  wanted: WantedType[];
  /** folders of seep's own scripts in the target (its agent, its function worker): not the user's names */
  seepScripts?: string[];
  /** the steps between the snapshots: a holder's growth is counted in what it gains about once per step */
  steps?: number;
}

export async function heapGrowth(file: string, opts: HeapGrowthOptions): Promise<HeapGrowth> {
  const collect = heapNamesCollector(opts.wanted.map((w) => w.name), opts.seepScripts);
  const g = await loadSnapshotGraph(file, () => true, collect.visit);
  const holds = holdingEdges(g);
  const names = createHeapNames(g, holds, collect.result());
  const analysis = analyse(g, holds, names, opts);
  const strings = await readSnapshotStrings(file, names.needed(analysis.wanted));
  return analysis.finish(strings);
}

interface Pending {
  holders: { point: number; count: number; bytes: number; holds: { w: number; count: number; bytes: number }[]; path: number[] | null; instance: number }[];
  traces: { w: number; point: number; path: number[] | null; instance: number }[];
  /** types whose growth point has no user name, held by a user name found above one of their instances */
  held: { w: number; instance: number; above: number[]; holderEdge: number; count: number; bytes: number }[];
}

function analyse(g: SnapshotGraph, holds: Uint8Array, names: HeapNames, opts: HeapGrowthOptions) {
  const { idom, order } = dominatorTree(g, holds);
  const isNew = (n: number) => g.nodeId[n]! > opts.newerThan && names.hasObjectId(n);
  const wantedOf = names.wantedIndex(opts.wanted);

  // growth point of every new object; bytes under each point; wanted instances per (point, type)
  const point = new Int32Array(g.nodeCount).fill(-1);
  const bytes = new Map<number, number>();
  const perType = new Map<number, Float64Array>(); // point -> [count, bytes] per wanted type
  const W = opts.wanted.length;
  const totals = new Float64Array(W);
  const newest = new Int32Array(W).fill(-1);
  for (let i = 1; i < order.length; i++) {
    const n = order[i]!;
    if (!isNew(n)) continue;
    const up = idom[n]!;
    const p = isNew(up) ? point[up]! : up;
    point[n] = p;
    bytes.set(p, (bytes.get(p) ?? 0) + g.nodeSelfSize[n]!);
    const w = wantedOf(n);
    if (w < 0) continue;
    let row = perType.get(p);
    if (!row) perType.set(p, (row = new Float64Array(2 * W)));
    row[2 * w]! += 1;
    row[2 * w + 1]! += g.nodeSelfSize[n]!;
    totals[w]! += 1;
    if (newest[w]! < 0 || g.nodeId[n]! > g.nodeId[newest[w]!]!) newest[w] = n;
  }

  // the holders: for each wanted type, the points holding a fair share of its new instances
  const chosen = new Set<number>();
  const mainPoint = new Int32Array(W).fill(-1);
  for (let w = 0; w < W; w++) {
    let best = -1;
    for (const [p, row] of perType) {
      const c = row[2 * w]!;
      if (c === 0) continue;
      if (best < 0 || c > perType.get(best)![2 * w]!) best = p;
      if (c >= HOLDER_SHARE * totals[w]!) chosen.add(p);
    }
    mainPoint[w] = best;
  }
  const pending: Pending = { holders: [], traces: [], held: [] };
  for (const p of chosen) {
    const row = perType.get(p)!;
    const held: { w: number; count: number; bytes: number }[] = [];
    for (let w = 0; w < W; w++) if (row[2 * w]! > 0) held.push({ w, count: row[2 * w]!, bytes: row[2 * w + 1]! });
    // first what it gains about once per step (the emitter's listener, not the 400 objects each keeps),
    // the fewest of those; of equals, a class before V8's own nodes (a Buffer before its backing store)
    const perStep = (x: { count: number }) => (x.count >= 0.9 * (opts.steps ?? 1) ? 0 : 1);
    const native = (w: number) => (opts.wanted[w]!.type === 'native' ? 1 : 0);
    held.sort((a, b) => perStep(a) - perStep(b) || (perStep(a) === 0 ? a.count - b.count : b.count - a.count) || native(a.w) - native(b.w));
    const target = (n: number) => point[n] === p && wantedOf(n) === held[0]!.w;
    const found = pathDown(g, holds, p, target);
    pending.holders.push({ point: p, count: held[0]!.count, bytes: bytes.get(p) ?? 0, holds: held, path: found?.edges ?? null, instance: found?.node ?? -1 });
  }
  for (let w = 0; w < W; w++) {
    const p = mainPoint[w]!;
    if (p < 0) continue;
    const found = pathDown(g, holds, p, (n) => point[n] === p && wantedOf(n) === w);
    pending.traces.push({ w, point: p, path: found?.edges ?? null, instance: found?.node ?? newest[w]! });
  }
  // a holder was there before the steps: a closure's context made by one of them holds its own step's objects
  const old = (o: number) => !isNew(o);
  const pointsAbove = new Map<number, ReturnType<HeapNames['above']>>();
  const madeAt = new Map<number, number[]>();
  for (const x of [...pending.holders, ...pending.traces]) {
    if (pointsAbove.has(x.point)) continue;
    const above = names.above(x.point, undefined, old);
    pointsAbove.set(x.point, above);
    if (!above.user && !above.seep) madeAt.set(x.point, names.userFunctionsUnder((n) => point[n] === x.point, MAX_ALLOCATED_AT));
  }
  // An object held both by the user (an array of sockets) and by the runtime (the socket's handle)
  // hangs from no one object: its growth point is a root. Then the user name is looked for above
  // one instance, past what that instance itself holds (its listeners' closures keep it too).
  const retained = retainedNew(g, idom, order, isNew);
  for (const t of pending.traces) {
    const above = pointsAbove.get(t.point)!;
    if (above.user || above.seep || t.instance < 0) continue;
    const x = t.instance;
    const own = (o: number) => dominatedBy(idom, o, x);
    const found = names.above(x, own, old);
    if (!found.user) continue;
    let count = 0;
    let bytes = 0;
    for (let i = 1; i < order.length; i++) {
      const n = order[i]!;
      if (wantedOf(n) !== t.w || !isNew(n)) continue;
      count++;
      bytes += retained[n]!;
    }
    pending.held.push({ w: t.w, instance: x, above: found.edges, holderEdge: found.holderEdge ?? found.edges[0]!, count, bytes });
  }
  const all = [...pending.holders, ...pending.traces];

  return {
    wanted: {
      paths: [
        ...all.flatMap((x) => (x.path ? [x.path] : [])),
        ...[...pointsAbove.values()].flatMap((a) => [a.edges, ...(a.holderEdge !== undefined ? [[a.holderEdge]] : [])]),
        ...pending.held.flatMap((h) => [h.above, [h.holderEdge]]),
      ],
      nodes: [...all.flatMap((x) => [x.point, ...(x.instance >= 0 ? [x.instance] : [])]), ...pending.held.map((h) => h.instance)],
      vias: [...pointsAbove].map(([p, a]): [number, number[]] => [p, a.edges]),
      functions: [...madeAt.values()].flat(),
    },
    finish(strings: Map<number, string>): HeapGrowth {
      const label = names.labeller(strings);
      const traceOf = (p: number, path: number[] | null, instance: number): LeakTrace => {
        const above = pointsAbove.get(p)!;
        const down = path ? label.references(path) : [];
        const leaking = instance >= 0 ? label.node(instance) : label.node(p);
        if (above.user) return { references: [...label.references(above.edges), ...down], leaking };
        return { references: down, leaking, internalOnly: { via: label.via(p, above.edges), allocatedAt: (madeAt.get(p) ?? []).map((f) => label.functionSite(f)) } };
      };
      const holders: HeapHolder[] = [];
      for (const h of pending.holders) {
        const above = pointsAbove.get(h.point)!;
        if (!above.user) continue;
        const trace = traceOf(h.point, h.path, h.instance);
        holders.push({
          name: holderName(label.references([above.holderEdge ?? above.edges[0]!])[0]!),
          trace,
          count: h.count,
          bytes: h.bytes,
          holds: h.holds.map((x) => ({ name: displayName(opts.wanted[x.w]!), count: x.count, bytes: x.bytes })),
        });
      }
      const traces: Record<string, LeakTrace> = {};
      const seepOwned: string[] = [];
      for (const t of pending.traces) {
        const w = opts.wanted[t.w]!;
        if (pointsAbove.get(t.point)!.seep) seepOwned.push(`${w.type}:${w.name}`);
        else traces[`${w.type}:${w.name}`] = traceOf(t.point, t.path, t.instance);
      }
      for (const h of pending.held) {
        const w = opts.wanted[h.w]!;
        const trace: LeakTrace = { references: label.references(h.above), leaking: label.node(h.instance) };
        traces[`${w.type}:${w.name}`] = trace;
        holders.push({ name: holderName(label.references([h.holderEdge])[0]!), trace, count: h.count, bytes: h.bytes, holds: [{ name: displayName(w), count: h.count, bytes: h.bytes }] });
      }
      return { holders: mergeByName(holders), traces, seepOwned };
    },
  };
}

/** Bytes of new objects each node retains: its own if new, plus its dominator children's. */
function retainedNew(g: SnapshotGraph, idom: Int32Array, order: Uint32Array, isNew: (n: number) => boolean): Float64Array {
  const r = new Float64Array(g.nodeCount);
  for (let i = order.length - 1; i >= 1; i--) {
    const n = order[i]!;
    if (isNew(n)) r[n]! += g.nodeSelfSize[n]!;
    r[idom[n]!]! += r[n]!;
  }
  return r;
}

/** Whether `x` is on the dominator chain of `o` (freeing x frees o: o is part of x). */
function dominatedBy(idom: Int32Array, o: number, x: number): boolean {
  for (let y = o, hops = 0; y >= 0 && hops < 10_000; hops++) {
    if (y === x) return true;
    const up = idom[y]!;
    if (up === y) return false;
    y = up;
  }
  return false;
}

/** A constructor as the suspects name it: closures with their parentheses. */
export function displayName(w: WantedType): string {
  return w.type === 'closure' ? `${w.name}()` : w.name;
}

/** The holder as the developer wrote it: 'server.mjs: kept', 'onPrice() context: quote', 'OrderService._cache'. */
export function holderName(r: TraceReference): string {
  if (r.kind === 'module-variable') return `${r.owner}: ${r.name}`;
  if (r.kind === 'closure-variable') return `${r.owner} context: ${r.name}`;
  if (r.kind === 'global') return `globalThis.${r.name}`;
  return `${r.owner}.${r.name}`;
}

/** Two growth points under one name (a Map's table replaced as it grew, beside the Map): one holder. */
function mergeByName(holders: HeapHolder[]): HeapHolder[] {
  const byName = new Map<string, HeapHolder>();
  for (const h of holders) {
    const prev = byName.get(h.name);
    if (!prev) {
      byName.set(h.name, { ...h, holds: [...h.holds] });
      continue;
    }
    prev.bytes += h.bytes;
    for (const x of h.holds) {
      const same = prev.holds.find((y) => y.name === x.name);
      if (same) {
        same.count += x.count;
        same.bytes += x.bytes;
      } else prev.holds.push({ ...x });
    }
    prev.holds.sort((a, b) => b.count - a.count);
    prev.count = prev.holds[0]?.count ?? prev.count;
  }
  return [...byName.values()].sort((a, b) => b.bytes - a.bytes);
}

/** Breadth-first from `from` along holding edges to the nearest node `target` accepts: the edges, outermost first. */
function pathDown(g: SnapshotGraph, holds: Uint8Array, from: number, target: (n: number) => boolean): { edges: number[]; node: number } | null {
  const via = new Map<number, number>(); // node -> edge that reached it
  let level = [from];
  via.set(from, -1);
  for (let depth = 0; depth < MAX_DOWN_DEPTH && level.length > 0 && via.size < MAX_DOWN_NODES; depth++) {
    const next: number[] = [];
    for (const v of level) {
      for (let e = g.firstEdge[v]!, end = g.firstEdge[v + 1]!; e < end; e++) {
        if (!holds[e]) continue;
        const w = g.edgeTo[e]!;
        if (via.has(w)) continue;
        via.set(w, e);
        if (target(w)) {
          const edges: number[] = [];
          for (let cur = w; cur !== from; ) {
            const edge = via.get(cur)!;
            edges.push(edge);
            cur = sourceOf(g, edge);
          }
          return { edges: edges.reverse(), node: w };
        }
        next.push(w);
      }
    }
    level = next;
  }
  return null;
}

/** The node an edge leaves from: binary search of firstEdge. */
export function sourceOf(g: SnapshotGraph, e: number): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.firstEdge[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
