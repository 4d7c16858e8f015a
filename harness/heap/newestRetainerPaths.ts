// Retainer paths of the newest instance of a few (type, name) pairs, from a snapshot file: the graph
// as typed arrays (snapshotGraph.ts), memlab's shortest-path walk (shortestPaths.ts), then labels in
// the form memlab's worker printed them, outermost hop first.
import { loadSnapshotGraph, readSnapshotStrings, type SnapshotGraph } from './snapshotGraph.ts';
import { classifyString, edgeSource, shortestPathEdges } from './shortestPaths.ts';

/** memlab's worker stopped after this many hops; a longer path is cut, outermost hops lost */
const MAX_HOPS = 200;

interface Hop {
  from: number;
  edge: number;
}

/** Paths keyed `${type}:${name}`; a pair with no instance reachable from the roots is absent. */
export async function newestRetainerPaths(file: string, wanted: { type: string; name: string }[]): Promise<Record<string, string[]>> {
  // Pass 1: the graph, each string's flags, and which string indices are the wanted names.
  const flagList: [number, number][] = [];
  const weakMapKey = new Map<number, number>();
  const nameIndex = new Map<string, number>(wanted.map((w) => [w.name, -1]));
  const g = await loadSnapshotGraph(
    file,
    () => true,
    (i, text) => {
      const c = classifyString(text);
      if (c.flags) flagList.push([i, c.flags]);
      if (c.weakMapKey >= 0) weakMapKey.set(i, c.weakMapKey);
      if (nameIndex.get(text) === -1) nameIndex.set(text, i);
    },
  );
  const flags = new Uint16Array(g.stringCount);
  for (const [i, f] of flagList) flags[i] = f;
  const pathEdge = shortestPathEdges(g, { flags, weakMapKey });

  const chains = new Map<string, { node: number; hops: Hop[] }>();
  const needed = new Set<number>();
  for (const [key, node] of newestReachable(g, pathEdge, wanted, nameIndex)) {
    const hops: Hop[] = [];
    for (let cur = node; hops.length < MAX_HOPS && pathEdge[cur]! >= 0; ) {
      const edge = pathEdge[cur]!;
      const from = edgeSource(g, edge);
      hops.push({ from, edge });
      needed.add(g.nodeName[from]!);
      if (!isIndexEdge(g, edge)) needed.add(g.edgeNameOrIndex[edge]!);
      cur = from;
    }
    needed.add(g.nodeName[node]!);
    chains.set(key, { node, hops: hops.reverse() });
  }

  // Pass 2: only the strings the labels need.
  const strings = await readSnapshotStrings(file, needed);
  const str = (i: number): string => {
    const s = strings.get(i);
    if (s === undefined) throw new Error(`${file}: string ${i} is past the strings array`);
    return s;
  };
  const label = (n: number): string => {
    const type = g.nodeTypeNames[g.nodeType[n]!];
    const name = (g.nodeDetached[n] ? 'Detached ' : '') + str(g.nodeName[n]!);
    if (type === 'closure') return `${name || '(anonymous)'}()`;
    if (type === 'synthetic') return name || '(root)';
    return name || `(${type})`;
  };
  const out: Record<string, string[]> = {};
  for (const [key, { node, hops }] of chains) {
    out[key] = hops.map(({ from, edge }) => {
      const via = isIndexEdge(g, edge) ? `[${g.edgeNameOrIndex[edge]}]` : `.${str(g.edgeNameOrIndex[edge]!)}`;
      return `${label(from)}${via}`;
    });
    out[key].push(label(node));
  }
  return out;
}

/** element and hidden edges carry an index; the others a strings index (memlab HeapEdge.is_index) */
function isIndexEdge(g: SnapshotGraph, e: number): boolean {
  const t = g.edgeTypeNames[g.edgeType[e]!];
  return t === 'element' || t === 'hidden';
}

/** node ids grow with allocation: the highest id is the newest, most likely made in the measured phase */
function newestReachable(
  g: SnapshotGraph,
  pathEdge: Int32Array,
  wanted: { type: string; name: string }[],
  nameIndex: Map<string, number>,
): Map<string, number> {
  const typeCount = g.nodeTypeNames.length;
  const keyOf = new Map<number, string>(); // name index * type count + type -> `${type}:${name}`
  for (const w of wanted) {
    const name = nameIndex.get(w.name) ?? -1;
    const type = g.nodeTypeNames.indexOf(w.type);
    if (name >= 0 && type >= 0) keyOf.set(name * typeCount + type, `${w.type}:${w.name}`);
  }
  const newest = new Map<string, number>();
  if (keyOf.size === 0) return newest;
  for (let n = 0; n < g.nodeCount; n++) {
    if (pathEdge[n]! < 0) continue;
    const key = keyOf.get(g.nodeName[n]! * typeCount + g.nodeType[n]!);
    if (key === undefined) continue;
    const prev = newest.get(key);
    if (prev === undefined || g.nodeId[n]! > g.nodeId[prev]!) newest.set(key, n);
  }
  return newest;
}
