// The dominator tree of a heap graph: idom[n] is the object every path from the root to n passes
// through last, so freeing it frees n (what "retained by" means in a heap snapshot viewer).
// Lengauer and Tarjan's algorithm ("A fast algorithm for finding dominators in a flowgraph", 1979,
// the simple version with path compression) on typed arrays: Cooper, Harvey and Kennedy's iterative
// one took 19 s on a Node worker's 240k objects (its heap's long chains converge slowly); this one
// takes a fraction of a second. Weak and shortcut edges hold nothing, as in memlab's dominator pass.
import type { SnapshotGraph } from './snapshotGraph.ts';

export interface DominatorTree {
  /** immediate dominator per node; the root's is itself, -1 for nodes the root does not reach */
  idom: Int32Array;
  /** the reached nodes in depth-first preorder: every node after its immediate dominator */
  order: Uint32Array;
}

/** Edges that keep what they point to: not weak, not a bound function's shortcut. */
export function holdingEdges(g: SnapshotGraph): Uint8Array {
  const weak = g.edgeTypeNames.indexOf('weak');
  const shortcut = g.edgeTypeNames.indexOf('shortcut');
  const holds = new Uint8Array(g.edgeType.length);
  for (let e = 0; e < holds.length; e++) holds[e] = g.edgeType[e] === weak || g.edgeType[e] === shortcut ? 0 : 1;
  return holds;
}

export function dominatorTree(g: SnapshotGraph, holds: Uint8Array, root = 0): DominatorTree {
  const n = g.nodeCount;
  const { firstEdge, edgeTo } = g;
  // preorder numbers by an iterative depth-first walk; parent in the walk's tree, by number
  const pre = new Int32Array(n).fill(-1);
  const vertex = new Uint32Array(n);
  const parent = new Int32Array(n).fill(-1);
  const stack = new Uint32Array(n);
  const cursor = new Uint32Array(n);
  let count = 0;
  let sp = 0;
  pre[root] = count;
  vertex[count++] = root;
  stack[sp++] = root;
  cursor[root] = firstEdge[root]!;
  while (sp > 0) {
    const v = stack[sp - 1]!;
    let e = cursor[v]!;
    const end = firstEdge[v + 1]!;
    while (e < end && (!holds[e] || pre[edgeTo[e]!]! >= 0)) e++;
    cursor[v] = e + 1;
    if (e >= end) {
      sp--;
      continue;
    }
    const w = edgeTo[e]!;
    pre[w] = count;
    parent[count] = pre[v]!;
    vertex[count++] = w;
    cursor[w] = firstEdge[w]!;
    stack[sp++] = w;
  }

  // predecessors of each reached node, by preorder number
  const predStart = new Uint32Array(count + 1);
  for (let v = 0; v < n; v++) {
    if (pre[v]! < 0) continue;
    for (let e = firstEdge[v]!, end = firstEdge[v + 1]!; e < end; e++) if (holds[e]) predStart[pre[edgeTo[e]!]! + 1]!++;
  }
  for (let i = 0; i < count; i++) predStart[i + 1]! += predStart[i]!;
  const fill = predStart.slice(0, count);
  const preds = new Uint32Array(predStart[count]!);
  for (let v = 0; v < n; v++) {
    if (pre[v]! < 0) continue;
    for (let e = firstEdge[v]!, end = firstEdge[v + 1]!; e < end; e++) if (holds[e]) preds[fill[pre[edgeTo[e]!]!]!++] = pre[v]!;
  }

  // Lengauer and Tarjan's semidominators with path compression (the simple version: O(E log N))
  const semi = new Int32Array(count);
  const label = new Int32Array(count);
  const ancestor = new Int32Array(count).fill(-1);
  const dom = new Int32Array(count);
  const bucketHead = new Int32Array(count).fill(-1);
  const bucketNext = new Int32Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    semi[i] = i;
    label[i] = i;
  }
  const path: number[] = [];
  const evaluate = (v: number): number => {
    if (ancestor[v]! < 0) return v;
    // compress the ancestor chain above v, top first
    for (let x = v; ancestor[ancestor[x]!]! >= 0; x = ancestor[x]!) path.push(x);
    while (path.length > 0) {
      const x = path.pop()!;
      const a = ancestor[x]!;
      if (semi[label[a]!]! < semi[label[x]!]!) label[x] = label[a]!;
      ancestor[x] = ancestor[a]!;
    }
    return label[v]!;
  };
  for (let w = count - 1; w > 0; w--) {
    for (let k = predStart[w]!, end = predStart[w + 1]!; k < end; k++) {
      const u = evaluate(preds[k]!);
      if (semi[u]! < semi[w]!) semi[w] = semi[u]!;
    }
    bucketNext[w] = bucketHead[semi[w]!]!;
    bucketHead[semi[w]!] = w;
    const p = parent[w]!;
    ancestor[w] = p;
    for (let v = bucketHead[p]!; v >= 0; v = bucketNext[v]!) {
      const u = evaluate(v);
      dom[v] = semi[u]! < semi[v]! ? u : p;
    }
    bucketHead[p] = -1;
  }
  for (let w = 1; w < count; w++) if (dom[w] !== semi[w]) dom[w] = dom[dom[w]!]!;

  const idom = new Int32Array(n).fill(-1);
  idom[root] = root;
  for (let w = 1; w < count; w++) idom[vertex[w]!] = vertex[dom[w]!]!;
  // preorder: a node's immediate dominator is an ancestor in the walk, so it comes first
  return { idom, order: vertex.slice(0, count) };
}
