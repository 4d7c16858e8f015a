// The graph of a V8 heap snapshot as a few typed arrays: 26 bytes per node and 9 per edge (a 105 MB
// snapshot of 1.08 M nodes and 3.76 M edges is 62 MB), where memlab keeps the parsed file's own
// arrays plus indexes beside them. Strings
// are not kept: a caller says which ones it needs to look at (by index) while they stream past.
import { fieldIndex, SnapshotFormatError, SnapshotStream } from './snapshotStream.ts';

export interface SnapshotGraph {
  nodeCount: number;
  nodeTypeNames: string[];
  edgeTypeNames: string[];
  nodeType: Uint8Array;
  /** index into the strings array */
  nodeName: Uint32Array;
  /** V8's object id: grows with allocation */
  nodeId: Uint32Array;
  /** bytes the object itself takes (a backing store's native node carries its buffer's bytes) */
  nodeSelfSize: Float64Array;
  /** functions: the 0-based line of their source where V8's snapshot says (its `locations`), else -1 */
  nodeLine: Int32Array;
  /** 1 where V8 marks the node detached (embedder objects its owner let go of), as memlab names them 'Detached …' */
  nodeDetached: Uint8Array;
  /** edges of node i are firstEdge[i] .. firstEdge[i + 1] - 1 */
  firstEdge: Uint32Array;
  edgeType: Uint8Array;
  /** a strings index, or for element and hidden edges the index itself */
  edgeNameOrIndex: Uint32Array;
  /** node ordinal (not the array offset V8 writes) */
  edgeTo: Uint32Array;
  stringCount: number;
}

/** Loads the graph, handing each string that `want` accepts to `visit`. */
export async function loadSnapshotGraph(
  file: string,
  want: (index: number) => boolean,
  visit: (index: number, text: string) => void,
): Promise<SnapshotGraph> {
  const stream = await SnapshotStream.open(file);
  try {
    const { meta, nodeCount, edgeCount } = await stream.readHeader();
    const nf = meta.node_fields.length;
    const typeF = fieldIndex(meta.node_fields, 'type', file);
    const nameF = fieldIndex(meta.node_fields, 'name', file);
    const idF = fieldIndex(meta.node_fields, 'id', file);
    const sizeF = fieldIndex(meta.node_fields, 'self_size', file);
    const edgeCountF = fieldIndex(meta.node_fields, 'edge_count', file);
    // absent before V8 9.x; memlab's value for 'detached'
    const detachedF = meta.node_fields.indexOf('detachedness');
    const DETACHED = 2;
    const ef = meta.edge_fields?.length ?? 0;
    const eTypeF = fieldIndex(meta.edge_fields ?? [], 'type', file);
    const eNameF = fieldIndex(meta.edge_fields, 'name_or_index', file);
    const eToF = fieldIndex(meta.edge_fields, 'to_node', file);
    if (!Number.isInteger(nodeCount) || !Number.isInteger(edgeCount)) {
      throw new SnapshotFormatError(`${file}: header lacks node_count/edge_count`);
    }

    const nodeType = new Uint8Array(nodeCount);
    const nodeName = new Uint32Array(nodeCount);
    const nodeId = new Uint32Array(nodeCount);
    const nodeSelfSize = new Float64Array(nodeCount);
    const nodeLine = new Int32Array(nodeCount).fill(-1);
    const nodeDetached = new Uint8Array(nodeCount);
    const firstEdge = new Uint32Array(nodeCount + 1);
    let field = 0;
    let node = 0;
    let edgesSoFar = 0;
    const ints = await stream.readInts('nodes', (v) => {
      if (node >= nodeCount) return;
      if (field === typeF) nodeType[node] = v;
      else if (field === nameF) nodeName[node] = v;
      else if (field === idF) nodeId[node] = v;
      else if (field === sizeF) nodeSelfSize[node] = v;
      else if (field === edgeCountF) edgesSoFar += v;
      else if (field === detachedF) nodeDetached[node] = v === DETACHED ? 1 : 0;
      if (++field === nf) {
        field = 0;
        firstEdge[++node] = edgesSoFar;
      }
    });
    if (ints !== nodeCount * nf) throw new SnapshotFormatError(`${file}: ${ints} node fields, header says ${nodeCount} nodes of ${nf}`);
    if (edgesSoFar !== edgeCount) throw new SnapshotFormatError(`${file}: nodes own ${edgesSoFar} edges, header says ${edgeCount}`);

    await stream.skipPast('"edges":[');
    const edgeType = new Uint8Array(edgeCount);
    const edgeNameOrIndex = new Uint32Array(edgeCount);
    const edgeTo = new Uint32Array(edgeCount);
    field = 0;
    let edge = 0;
    let bad = -1;
    const eints = await stream.readInts('edges', (v) => {
      if (edge >= edgeCount) return;
      if (field === eTypeF) edgeType[edge] = v;
      else if (field === eNameF) edgeNameOrIndex[edge] = v;
      else if (field === eToF) {
        // V8 writes the offset of the target in the nodes array
        if (v % nf !== 0 || v / nf >= nodeCount) bad = v;
        edgeTo[edge] = v / nf;
      }
      if (++field === ef) {
        field = 0;
        edge++;
      }
    });
    if (eints !== edgeCount * ef) throw new SnapshotFormatError(`${file}: ${eints} edge fields, header says ${edgeCount} edges of ${ef}`);
    if (bad >= 0) throw new SnapshotFormatError(`${file}: an edge points at ${bad}, not the start of a node`);

    // [object_index, script_id, line, column] per function; absent from snapshots of older V8s
    const lf = meta.location_fields?.length ?? 0;
    const lineF = meta.location_fields?.indexOf('line') ?? -1;
    const objF = meta.location_fields?.indexOf('object_index') ?? -1;
    if (lf > 0 && lineF >= 0 && objF >= 0 && (await stream.skipPastBefore('"locations":[', '"strings":['))) {
      field = 0;
      let obj = 0;
      await stream.readInts('locations', (v) => {
        if (field === objF) obj = v / nf;
        else if (field === lineF && obj < nodeCount) nodeLine[obj] = v;
        if (++field === lf) field = 0;
      });
    }
    await stream.skipPast('"strings":[');
    const stringCount = await stream.readStrings(want, visit);
    return {
      nodeCount,
      nodeTypeNames: meta.node_types[0],
      edgeTypeNames: meta.edge_types?.[0] ?? [],
      nodeType,
      nodeName,
      nodeId,
      nodeSelfSize,
      nodeLine,
      nodeDetached,
      firstEdge,
      edgeType,
      edgeNameOrIndex,
      edgeTo,
      stringCount,
    };
  } finally {
    await stream.close();
  }
}

/** Decodes the strings at `indices` with a second pass over the file's strings array. */
export async function readSnapshotStrings(file: string, indices: Set<number>): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (indices.size === 0) return out;
  const stream = await SnapshotStream.open(file);
  try {
    await stream.readHeader();
    await stream.skipPast('"strings":[');
    await stream.readStrings((i) => indices.has(i), (i, text) => out.set(i, text), Math.max(...indices));
  } finally {
    await stream.close();
  }
  return out;
}
