// For every node reachable from the GC roots, the edge that reaches it first in a breadth-first walk:
// a port of memlab's TraceFinder.annotateShortestPaths (@memlab/core 2.0.5, paths/TraceFinder.js) with
// its default config, on typed arrays, so seep's retainer paths are the ones memlab printed before.
// The DOM and React (Fiber, detached element, Blink root) rules are left out: a Node heap has none.
// Two choices of memlab's that look odd and are kept: shortcut edges are walked (its isMeaningfulEdge
// has the shortcut test commented out: a bound function's shortcut edge to its target is a real
// reference; only the dominator pass drops them), and V8's synthetic roots such as
// '(Internalized strings)' are not cut off but postponed, walked only when nothing preferable is left.
import type { SnapshotGraph } from './snapshotGraph.ts';

/** What a string means when it is a node's name or an edge's name (memlab Config and Utils). */
export const NodeName = {
  /** Config.nodeNameBlockList: never walked into or out of */
  blocked: 1,
  /** Utils.isMeaningfulNode: VM internals that hold nothing a user would recognise */
  notMeaningful: 2,
  /** Config.nodeNameGreyList (V8's synthetic roots among them): walked only when nothing else is left */
  lessPreferable: 4,
  /** 'C++ roots', less preferable when synthetic (Utils.isCppRootsNode) */
  cppRoots: 8,
  /** '(GC roots)', a root when synthetic */
  gcRoots: 16,
  /** starts with 'Window': a root when native */
  window: 32,
} as const;
export const EdgeName = {
  /** Config.edgeNameBlockList */
  blocked: 64,
  /** Config.edgeNameGreyList (React fiber links) */
  lessPreferable: 128,
  /** 'code': an internal edge to compiled code holds nothing */
  code: 256,
  /** names an ephemeron (WeakMap) entry; the key it names is held weakly */
  weakMap: 512,
} as const;

const V8_SYNTHETIC_ROOTS = [
  '(GC roots)', '(Internalized strings)', '(External strings)', '(Read-only roots)', '(Strong roots)', '(Smi roots)',
  '(Bootstrapper)', '(Stack roots)', '(Relocatable)', '(Debugger)', '(Compilation cache)', '(Handle scope)', '(Builtins)',
  '(Global handles)', '(Eternal handles)', '(Thread manager)', '(Extensions)', '(Code flusher)', '(Startup object cache)',
  '(Read-only object cache)', '(Weak collections)', '(Wrapper tracing)', '(Write barrier)', '(Retain maps)', '(Unknown)', '<Synthetic>',
];
const FLAGS_BY_NAME = new Map<string, number>();
const flag = (names: string[], f: number): void => names.forEach((n) => FLAGS_BY_NAME.set(n, (FLAGS_BY_NAME.get(n) ?? 0) | f));
flag(['system / PropertyCell'], NodeName.blocked | NodeName.notMeaningful);
flag(['system / NativeContext', 'system / SourcePositionTableWithFrameCache', '(map descriptors)'], NodeName.notMeaningful);
flag(['InternalNode', 'Pending activities', 'StyleEngine', ...V8_SYNTHETIC_ROOTS], NodeName.lessPreferable);
flag(['C++ roots'], NodeName.cppRoots);
flag(['(GC roots)'], NodeName.gcRoots);
flag(['feedback_cell', 'part of key -> value pair in ephemeron table'], EdgeName.blocked);
flag(['alternate', 'firstEffect', 'lastEffect'], EdgeName.lessPreferable);
flag(['code'], EdgeName.code);

const WEAK_MAP_KEY = /@(\d+)\) ->/;

/** Flags of one string, and the key id if it names a WeakMap entry (memlab Utils.getWeakMapEdgeKeyId). */
export function classifyString(text: string): { flags: number; weakMapKey: number } {
  let flags = FLAGS_BY_NAME.get(text) ?? 0;
  if (text.startsWith('Window')) flags |= NodeName.window;
  let weakMapKey = -1;
  if (text.includes('WeakMap')) {
    const m = WEAK_MAP_KEY.exec(text);
    if (m) {
      flags |= EdgeName.weakMap;
      weakMapKey = Number(m[1]);
    }
  }
  return { flags, weakMapKey };
}

export interface StringFlags {
  /** per strings index */
  flags: Uint16Array;
  weakMapKey: Map<number, number>;
}

/** pathEdge[node]: the edge that first reached the node, or -1 for roots and unreachable nodes */
export function shortestPathEdges(g: SnapshotGraph, s: StringFlags): Int32Array {
  const t = (names: string[], name: string): number => names.indexOf(name);
  const SYNTHETIC = t(g.nodeTypeNames, 'synthetic');
  const NATIVE = t(g.nodeTypeNames, 'native');
  const CODE = t(g.nodeTypeNames, 'code');
  const WEAK = t(g.edgeTypeNames, 'weak');
  const INTERNAL = t(g.edgeTypeNames, 'internal');
  const ELEMENT = t(g.edgeTypeNames, 'element');
  const HIDDEN = t(g.edgeTypeNames, 'hidden');
  const { nodeCount, nodeType, nodeName, nodeId, firstEdge, edgeType, edgeNameOrIndex, edgeTo } = g;
  const { flags } = s;

  const pathEdge = new Int32Array(nodeCount).fill(-1);
  const visited = new Uint8Array(nodeCount);
  const queued = new Uint8Array(nodeCount);
  let cur = new Uint32Array(nodeCount);
  let next = new Uint32Array(nodeCount);
  const postponed = new Uint32Array(nodeCount);
  let curLen = 0;
  let nextLen = 0;
  let postponedLen = 0;

  // Utils.isRootNode without the Blink and pending-activity roots (memlab's high-priority roots);
  // memlab's low-priority roots are only those two kinds, which a Node heap does not have.
  for (let i = 0; i < nodeCount; i++) {
    const f = flags[nodeName[i]!]!;
    const ty = nodeType[i];
    if (nodeId[i]! <= 1 || (ty === NATIVE && f & NodeName.window) || (ty === SYNTHETIC && f & NodeName.gcRoots)) cur[curLen++] = i;
  }

  while (curLen > 0) {
    nextLen = 0;
    // memlab pops: the last node queued at a level is expanded first, which decides ties
    while (curLen > 0) {
      const from = cur[--curLen]!;
      visited[from] = 1;
      const fromFlags = flags[nodeName[from]!]!;
      for (let e = firstEdge[from]!, end = firstEdge[from + 1]!; e < end; e++) {
        const to = edgeTo[e]!;
        if (pathEdge[to]! >= 0 || to === from || visited[to] || queued[to]) continue;
        const et = edgeType[e];
        if (et === WEAK) continue;
        const named = et !== ELEMENT && et !== HIDDEN;
        const ef = named ? flags[edgeNameOrIndex[e]!]! : 0;
        const tf = flags[nodeName[to]!]!;
        if (ef & EdgeName.blocked || tf & NodeName.blocked || fromFlags & NodeName.blocked) continue;
        if (ef & EdgeName.weakMap && s.weakMapKey.get(edgeNameOrIndex[e]!) === nodeId[to]) continue;
        if (et === INTERNAL && ef & EdgeName.code) continue;
        if (tf & NodeName.notMeaningful || nodeType[to] === CODE) continue;
        const lessPreferable = ef & EdgeName.lessPreferable || tf & NodeName.lessPreferable || (tf & NodeName.cppRoots && nodeType[to] === SYNTHETIC);
        if (lessPreferable) postponed[postponedLen++] = e;
        else {
          pathEdge[to] = e;
          next[nextLen++] = to;
        }
        queued[to] = 1;
      }
    }
    // only when the preferable edges are exhausted, take one postponed edge (the latest) and go on from it
    while (nextLen === 0 && postponedLen > 0) {
      const e = postponed[--postponedLen]!;
      const to = edgeTo[e]!;
      if (pathEdge[to]! >= 0) continue;
      pathEdge[to] = e;
      next[nextLen++] = to;
    }
    [cur, next] = [next, cur];
    curLen = nextLen;
  }
  return pathEdge;
}

/** The node an edge leaves from: binary search of firstEdge. */
export function edgeSource(g: SnapshotGraph, e: number): number {
  let lo = 0;
  let hi = g.nodeCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (g.firstEdge[mid]! <= e) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
