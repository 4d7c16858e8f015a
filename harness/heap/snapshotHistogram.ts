// Per-constructor histogram of a V8 .heapsnapshot file, read as a stream.
// Real services write snapshots of hundreds of MB; memlab builds the whole graph to answer
// "how many of each", and stalls or runs out of memory on such files (memlab issues on 1.9 GB and
// 160 MB snapshots). Counting needs only three fields per node, so we scan the `nodes` array once,
// aggregate by (type, name index), then read the `strings` array (which V8 writes after nodes and
// edges) decoding only the names we kept. Memory is O(distinct names), not O(nodes).
// The byte-level reading is snapshotStream.ts, shared with the retainer-path finder.
import { fieldIndex, SnapshotFormatError, SnapshotStream } from './snapshotStream.ts';

export interface HistogramEntry {
  type: string;
  /** constructor / function / native name; '(string)'-style for types whose names are contents */
  name: string;
  count: number;
  selfSize: number;
}

export interface HeapHistogram {
  nodeCount: number;
  /** the highest object id of V8's heap objects (embedder nodes' ids are addresses): a later snapshot's objects above it are new */
  maxObjectId: number;
  totalSize: number;
  /** keyed by histogramKey(type, name) */
  entries: Map<string, HistogramEntry>;
}

/** Node types whose `name` is the value itself (string contents, numbers): grouped as '(type)'. */
const VALUE_TYPES = new Set(['string', 'concatenated string', 'sliced string', 'number', 'symbol', 'bigint']);

export function histogramKey(type: string, name: string): string {
  return `${type}:${name}`;
}

export { SnapshotFormatError };

export async function snapshotHistogram(file: string, opts: { chunkBytes?: number } = {}): Promise<HeapHistogram> {
  const stream = await SnapshotStream.open(file, opts.chunkBytes);
  try {
    return await readHistogram(stream, file);
  } finally {
    await stream.close();
  }
}

async function readHistogram(stream: SnapshotStream, file: string): Promise<HeapHistogram> {
  const { meta } = await stream.readHeader();
  const fieldCount = meta.node_fields.length;
  const typeField = fieldIndex(meta.node_fields, 'type', file);
  const nameField = fieldIndex(meta.node_fields, 'name', file);
  const sizeField = fieldIndex(meta.node_fields, 'self_size', file);
  const idField = fieldIndex(meta.node_fields, 'id', file);
  const typeNames = meta.node_types[0];
  const embedderType = typeNames.map((t) => t === 'native' || t === 'synthetic');
  const valueType = typeNames.map((t) => VALUE_TYPES.has(t));

  // Nodes: a flat array of integers, fieldCount per node. Aggregate by (name index, type).
  const typeCount = typeNames.length;
  const slots = new Map<number, number>();
  let counts = new Float64Array(1024);
  let sizes = new Float64Array(1024);
  const slotKeys: number[] = [];
  let field = 0;
  let type = 0;
  let name = 0;
  let size = 0;
  let id = 0;
  let maxObjectId = 0;
  let nodeCount = 0;
  let totalSize = 0;
  await stream.readInts('nodes', (v) => {
    if (field === typeField) type = v;
    else if (field === nameField) name = v;
    else if (field === sizeField) size = v;
    else if (field === idField) id = v;
    if (++field < fieldCount) return;
    field = 0;
    if (!embedderType[type] && id > maxObjectId) maxObjectId = id;
    const key = valueType[type] ? -1 - type : name * typeCount + type;
    let slot = slots.get(key);
    if (slot === undefined) {
      slot = slotKeys.length;
      slots.set(key, slot);
      slotKeys.push(key);
      if (slot >= counts.length) {
        const c2 = new Float64Array(counts.length * 2);
        c2.set(counts);
        counts = c2;
        const s2 = new Float64Array(sizes.length * 2);
        s2.set(sizes);
        sizes = s2;
      }
    }
    counts[slot]! += 1;
    sizes[slot]! += size;
    nodeCount++;
    totalSize += size;
  });
  if (field !== 0) throw new SnapshotFormatError(`${file}: nodes array length is not a multiple of ${fieldCount}`);

  // Skip edges and the trace arrays; decode only the names we kept from the strings array.
  const wanted = new Set<number>();
  for (const key of slotKeys) if (key >= 0) wanted.add(Math.floor(key / typeCount));
  let maxWanted = -1;
  for (const k of wanted) maxWanted = Math.max(maxWanted, k);
  const names = new Map<number, string>();
  if (wanted.size > 0) {
    await stream.skipPast('"strings":[');
    await stream.readStrings((i) => wanted.has(i), (i, text) => names.set(i, text), maxWanted);
  }

  const entries = new Map<string, HistogramEntry>();
  for (let slot = 0; slot < slotKeys.length; slot++) {
    const key = slotKeys[slot]!;
    let t: string;
    let nm: string;
    if (key < 0) {
      t = typeNames[-1 - key]!;
      nm = `(${t})`;
    } else {
      t = typeNames[key % typeCount]!;
      const resolved = names.get(Math.floor(key / typeCount));
      if (resolved === undefined) throw new SnapshotFormatError(`${file}: name index ${Math.floor(key / typeCount)} is past the strings array`);
      nm = resolved;
    }
    const hk = histogramKey(t, nm);
    const prev = entries.get(hk);
    if (prev) {
      prev.count += counts[slot]!;
      prev.selfSize += sizes[slot]!;
    } else {
      entries.set(hk, { type: t, name: nm, count: counts[slot]!, selfSize: sizes[slot]! });
    }
  }
  return { nodeCount, maxObjectId, totalSize, entries };
}
