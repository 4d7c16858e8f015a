// Child process of retainerPaths.ts: loads one snapshot with memlab, annotates shortest paths from
// the GC roots, and prints a path for the newest node of each asked (type, name) as one JSON line.
// A child so the full graph (several times the file size) never lives in seep's own process.
import memlab, { type IHeapNode } from '@memlab/core';

// CommonJS: the named exports are not all visible to ESM import
const { TraceFinder, utils, config } = memlab;

const [file, wantedJson] = process.argv.slice(2);
const wanted = JSON.parse(wantedJson ?? '[]') as { type: string; name: string }[];
config.muteConsole = true;

function label(n: IHeapNode): string {
  if (n.type === 'closure') return `${n.name || '(anonymous)'}()`;
  if (n.type === 'synthetic') return n.name || '(root)';
  return n.name || `(${n.type})`;
}

const heap = await utils.getSnapshotFromFile(file!, { buildNodeIdIndex: true });
new TraceFinder().annotateShortestPaths(heap);
// node ids grow with allocation: the highest id is the newest, most likely made in the measured phase
const newest = new Map<string, IHeapNode>();
const keys = new Set(wanted.map((w) => `${w.type}:${w.name}`));
heap.nodes.forEach((n) => {
  const k = `${n.type}:${n.name}`;
  if (!keys.has(k) || !n.pathEdge) return;
  const prev = newest.get(k);
  if (!prev || n.id > prev.id) newest.set(k, n);
});
const out: Record<string, string[]> = {};
for (const [k, node] of newest) {
  const hops: string[] = [];
  let cur: IHeapNode | null = node;
  for (let guard = 0; cur && guard < 200; guard++) {
    const edge: IHeapNode['pathEdge'] = cur.pathEdge;
    if (!edge) break;
    const via = edge.type === 'element' || edge.type === 'hidden' ? `[${edge.name_or_index}]` : `.${edge.name_or_index}`;
    hops.push(`${label(edge.fromNode)}${via}`);
    cur = edge.fromNode;
  }
  hops.reverse();
  hops.push(label(node));
  out[k] = hops;
}
process.stdout.write(`${JSON.stringify(out)}\n`);
