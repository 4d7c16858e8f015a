// Which references of a V8 heap graph are names a developer wrote, and the leak trace's lines for a
// path. A name is the user's when the code that declared it is theirs (a script outside node: and
// node_modules): a top-level variable of their module (a context slot of a module's context), a
// variable a closure of theirs keeps, a property of their class or of an instance of it, or a
// property of the global object (a registry). V8's roots ((Stack roots), (Handle scope)), contexts,
// backing stores and Node's own objects are walked through, never named as the holder.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TraceReference } from '../report/runReportSchema.ts';
import type { SnapshotGraph } from './snapshotGraph.ts';

const USER_SCRIPT = 1;
/** seep's own scripts in the target: what they hold is seep's bookkeeping, never the user's leak */
const SEEP_SCRIPT = 4;
/** V8's own native nodes ('system / JSArrayBufferData'), whose ids are object ids; the embedder's ('Node / ...') are not */
const V8_NATIVE = 2;
export const SPECIAL = ['context', 'shared', 'script_or_debug_info', 'script', 'map', 'constructor', 'previous', 'global', 'system / NativeContext', 'system / Context'] as const;
type Special = (typeof SPECIAL)[number];

/** how far up from a growth point a user name is looked for, and how many objects that may visit */
const MAX_UP_DEPTH = 12;
const MAX_UP_NODES = 100_000;
/** past a closure variable or an attribute, look this far for a name above it (who holds the closure) */
const CLIMB_DEPTH = 8;
const MAX_CLIMBS = 4;

export interface Collected {
  nodeGlobals: Set<number>;
  notNames: Set<number>;
  flags: Map<number, number>;
  special: Map<Special, number>;
  wanted: Map<string, number>;
}

export interface HeapNames {
  /**
   * whether a node's id is an object id, comparable across snapshots: V8's heap objects (its own
   * native nodes among them), not the embedder's, whose ids are derived from addresses
   */
  hasObjectId(n: number): boolean;
  wantedIndex(wanted: { type: string; name: string }[]): (n: number) => number;
  /**
   * The edges from the root-most user name down to `p`; or, with no user name, from the nearest
   * named context slot (`seep` when that slot is seep's own: seep's bookkeeping, not a leak).
   * `skip`: objects that cannot hold `p` for the user (its own parts: a socket's listeners' closures).
   * `holderOk`: whether an object may be the holder, the owner of the user's name (an old one: what
   * was there before the steps, not a closure's context made by one of them).
   */
  above(p: number, skip?: (o: number) => boolean, holderOk?: (o: number) => boolean): Above;
  /** user functions among the new objects `inPoint` accepts, the most repeated first */
  userFunctionsUnder(inPoint: (n: number) => boolean, max: number): number[];
  /** the string indices the labels need: of these paths, nodes, 'held by' lines and functions */
  needed(x: LabelsWanted): Set<number>;
  labeller(strings: Map<number, string>): Labeller;
}

export interface Above {
  user: boolean;
  seep?: boolean;
  edges: number[];
  /** the user's name nearest `p` that an acceptable holder owns: what names the holder */
  holderEdge?: number;
}

export interface LabelsWanted {
  paths: number[][];
  nodes: number[];
  vias: [number, number[]][];
  functions: number[];
}

export interface Labeller {
  node(n: number): string;
  references(edges: number[]): TraceReference[];
  via(p: number, edges: number[]): string;
  functionSite(f: number): string;
}

/**
 * Node's own globals that are objects (its functions are closures of node: scripts already): a
 * property of the global object by any other name was set by the program, a registry.
 */
/** properties every object or function has, which lead to the runtime's prototypes and never to what the user keeps */
const NOT_NAMES = new Set(['__proto__', 'prototype', 'constructor']);
const NODE_GLOBAL_OBJECTS = new Set(['process', 'console', 'performance', 'navigator', 'crypto', 'global', 'globalThis', 'WebAssembly', 'Intl', 'JSON', 'Math', 'Reflect', 'Atomics']);

/** `seepScripts`: where seep's own code runs inside the target (its agent, its function worker): never the user's. */
export function heapNamesCollector(wantedNames: string[], seepScripts: string[] = []) {
  const flags = new Map<number, number>();
  const special = new Map<Special, number>();
  const wanted = new Map<string, number>(wantedNames.map((n) => [n, -1]));
  const specials = new Set<string>(SPECIAL);
  const ours = seepScripts.flatMap((d) => [d, `file://${d}`]);
  const globals = new Set<number>();
  const notNames = new Set<number>();
  return {
    visit(i: number, text: string): void {
      if (ours.some((d) => text.startsWith(d))) flags.set(i, SEEP_SCRIPT);
      else if ((text.startsWith('file://') || text.startsWith('/')) && !text.includes('/node_modules/')) flags.set(i, USER_SCRIPT);
      else if (text.startsWith('system / ')) flags.set(i, V8_NATIVE);
      if (specials.has(text) && !special.has(text as Special)) special.set(text as Special, i);
      if (wanted.get(text) === -1) wanted.set(text, i);
      if (NODE_GLOBAL_OBJECTS.has(text)) globals.add(i);
      if (NOT_NAMES.has(text)) notNames.add(i);
    },
    result: (): Collected => ({ flags, special, wanted, nodeGlobals: globals, notNames }),
  };
}

export function createHeapNames(g: SnapshotGraph, holds: Uint8Array, c: Collected): HeapNames {
  const t = (names: string[], name: string) => names.indexOf(name);
  const CLOSURE = t(g.nodeTypeNames, 'closure');
  const OBJECT = t(g.nodeTypeNames, 'object');
  const SYNTHETIC = t(g.nodeTypeNames, 'synthetic');
  const E = {
    context: t(g.edgeTypeNames, 'context'),
    element: t(g.edgeTypeNames, 'element'),
    property: t(g.edgeTypeNames, 'property'),
    internal: t(g.edgeTypeNames, 'internal'),
    hidden: t(g.edgeTypeNames, 'hidden'),
  };
  const sp = (k: Special) => c.special.get(k) ?? -2;

  // retainers: for each node, the holding edges that point at it
  const retStart = new Uint32Array(g.nodeCount + 1);
  for (let e = 0; e < g.edgeTo.length; e++) if (holds[e]) retStart[g.edgeTo[e]! + 1]!++;
  for (let i = 0; i < g.nodeCount; i++) retStart[i + 1]! += retStart[i]!;
  const fill = retStart.slice(0, g.nodeCount);
  const retEdge = new Uint32Array(retStart[g.nodeCount]!);
  const edgeFrom = new Uint32Array(g.edgeTo.length);
  for (let v = 0; v < g.nodeCount; v++) {
    for (let e = g.firstEdge[v]!, end = g.firstEdge[v + 1]!; e < end; e++) {
      edgeFrom[e] = v;
      if (holds[e]) retEdge[fill[g.edgeTo[e]!]!++] = e;
    }
  }

  const named = (e: number) => g.edgeType[e] !== E.element && g.edgeType[e] !== E.hidden;
  const edgeNamed = (v: number, name: number): number => {
    for (let e = g.firstEdge[v]!, end = g.firstEdge[v + 1]!; e < end; e++) if (named(e) && g.edgeNameOrIndex[e] === name) return g.edgeTo[e]!;
    return -1;
  };
  const scriptOf = (f: number): number => {
    const shared = edgeNamed(f, sp('shared'));
    if (shared < 0) return -1;
    const script = edgeNamed(shared, sp('script_or_debug_info'));
    return script >= 0 ? script : edgeNamed(shared, sp('script'));
  };
  const userScript = (script: number) => script >= 0 && (c.flags.get(g.nodeName[script]!) ?? 0) & USER_SCRIPT;
  const seepScript = (script: number) => script >= 0 && ((c.flags.get(g.nodeName[script]!) ?? 0) & SEEP_SCRIPT) !== 0;
  const contextOwner = new Map<number, number>();
  /** a closure whose context is `ctx` (its functions keep a module's context alive) */
  const closureOf = (ctx: number): number => {
    let f = contextOwner.get(ctx);
    if (f !== undefined) return f;
    f = -1;
    for (let k = retStart[ctx]!, end = retStart[ctx + 1]!; k < end; k++) {
      const e = retEdge[k]!;
      const from = edgeFrom[e]!;
      if (g.nodeType[from] === CLOSURE && g.edgeType[e] === E.internal && g.edgeNameOrIndex[e] === sp('context')) {
        f = from;
        break;
      }
    }
    contextOwner.set(ctx, f);
    return f;
  };
  const isModuleContext = (ctx: number) => {
    const prev = edgeNamed(ctx, sp('previous'));
    return prev >= 0 && g.nodeName[prev] === sp('system / NativeContext');
  };
  const constructorOf = (o: number): number => {
    const map = edgeNamed(o, sp('map'));
    return map >= 0 ? edgeNamed(map, sp('constructor')) : -1;
  };

  /** the kind of reference an edge is, whether its name is the user's, and whether seep's own code declared it */
  const kindOf = (e: number): { kind: TraceReference['kind']; user: boolean; seep?: boolean } => {
    const o = edgeFrom[e]!;
    const et = g.edgeType[e];
    if (et === E.context) {
      const f = closureOf(o);
      const script = f >= 0 ? scriptOf(f) : -1;
      return { kind: isModuleContext(o) ? 'module-variable' : 'closure-variable', user: !!userScript(script), seep: seepScript(script) };
    }
    if (et === E.property && c.notNames.has(g.edgeNameOrIndex[e]!)) return { kind: 'attribute', user: false };
    if (et === E.property) {
      if (g.nodeType[o] === CLOSURE) {
        const user = !!userScript(scriptOf(o));
        return { kind: user ? 'class-attribute' : 'attribute', user };
      }
      if (g.nodeType[o] === OBJECT && g.nodeName[o] === sp('global')) {
        const to = g.edgeTo[e]!;
        return { kind: 'global', user: g.nodeType[to] === OBJECT && !c.nodeGlobals.has(g.edgeNameOrIndex[e]!) };
      }
      const ctor = constructorOf(o);
      return { kind: 'attribute', user: ctor >= 0 && g.nodeType[ctor] === CLOSURE && !!userScript(scriptOf(ctor)) };
    }
    if (et === E.element || et === E.hidden) return { kind: 'element', user: false };
    return { kind: 'internal', user: false };
  };

  /** breadth-first up the retainers from `start` to the nearest edge `accept` takes: that edge, then the edges down to start */
  const nearestUp = (start: number, maxDepth: number, accept: (e: number) => boolean, skip?: (o: number) => boolean): number[] | null => {
    const down = new Map<number, number>([[start, -1]]); // node -> edge from it towards start
    let level = [start];
    for (let depth = 0; depth < maxDepth && level.length > 0 && down.size < MAX_UP_NODES; depth++) {
      const next: number[] = [];
      for (const x of level) {
        for (let k = retStart[x]!, end = retStart[x + 1]!; k < end; k++) {
          const e = retEdge[k]!;
          const o = edgeFrom[e]!;
          if (skip?.(o)) continue;
          if (accept(e)) {
            const edges = [e];
            for (let cur = x; cur !== start; ) {
              const d = down.get(cur)!;
              edges.push(d);
              cur = g.edgeTo[d]!;
            }
            return edges;
          }
          // a native context reaches every object of its realm, and a module's context is held by every
          // function of the module: nothing above either names a holder
          if (down.has(o) || g.nodeType[o] === SYNTHETIC || g.nodeName[o] === sp('system / NativeContext')) continue;
          if (g.edgeType[e] === E.context && isModuleContext(o)) continue;
          down.set(o, e);
          next.push(o);
        }
      }
      level = next;
    }
    return null;
  };

  const NATIVE = t(g.nodeTypeNames, 'native');
  return {
    hasObjectId: (n) => (g.nodeType[n] !== NATIVE && g.nodeType[n] !== SYNTHETIC) || ((c.flags.get(g.nodeName[n]!) ?? 0) & V8_NATIVE) !== 0,
    wantedIndex(wanted) {
      const typeCount = g.nodeTypeNames.length;
      const key = new Map<number, number>();
      wanted.forEach((w, i) => {
        const name = c.wanted.get(w.name) ?? -1;
        const type = g.nodeTypeNames.indexOf(w.type);
        if (name >= 0 && type >= 0) key.set(name * typeCount + type, i);
      });
      return (n) => key.get(g.nodeName[n]! * typeCount + g.nodeType[n]!) ?? -1;
    },
    above(p, skip, holderOk = () => true) {
      const isUser = (e: number) => kindOf(e).user && holderOk(edgeFrom[e]!);
      const first = nearestUp(p, MAX_UP_DEPTH, (e) => {
        const k = kindOf(e);
        return (k.user && holderOk(edgeFrom[e]!)) || k.seep === true;
      }, skip);
      if (first && kindOf(first[0]!).seep) return { user: false, seep: true, edges: first };
      let edges = first;
      const holderEdge = first?.[0];
      if (!edges) return { user: false, edges: nearestUp(p, MAX_UP_DEPTH, (e) => g.edgeType[e] === E.context, skip) ?? [] };
      const seen = new Set<number>([p]);
      for (let i = 0; i < MAX_CLIMBS; i++) {
        const top = edges[0]!;
        const kind = kindOf(top).kind;
        if (kind === 'module-variable' || kind === 'global') break;
        const from = edgeFrom[top]!;
        if (seen.has(from)) break;
        seen.add(from);
        const up = nearestUp(from, CLIMB_DEPTH, isUser, skip);
        if (!up) break;
        edges = [...up, ...edges];
      }
      return { user: true, edges, ...(holderEdge !== undefined ? { holderEdge } : {}) };
    },
    userFunctionsUnder(inPoint, max) {
      const bySite = new Map<string, { f: number; n: number }>();
      for (let n = 0; n < g.nodeCount; n++) {
        if (g.nodeType[n] !== CLOSURE || !inPoint(n)) continue;
        const script = scriptOf(n);
        if (!userScript(script)) continue;
        const key = `${script}:${g.nodeLine[n]}`;
        const e = bySite.get(key);
        if (e) e.n++;
        else bySite.set(key, { f: n, n: 1 });
      }
      return [...bySite.values()].sort((a, b) => b.n - a.n).slice(0, max).map((x) => x.f);
    },
    needed(x) {
      const out = new Set<number>();
      const collect = labeller(new Map(), out);
      for (const edges of x.paths) collect.references(edges);
      for (const n of x.nodes) collect.node(n);
      for (const [p, edges] of x.vias) collect.via(p, edges);
      for (const f of x.functions) collect.functionSite(f);
      return out;
    },
    labeller: (strings) => labeller(strings, null),
  };

  function labeller(strings: Map<number, string>, want: Set<number> | null): Labeller {
    const str = (i: number): string => {
      if (want) {
        want.add(i);
        return '';
      }
      return strings.get(i) ?? '';
    };
    const node = (n: number): string => {
      const type = g.nodeTypeNames[g.nodeType[n]!];
      const name = str(g.nodeName[n]!);
      if (type === 'closure') return `${name || '(anonymous)'}()`;
      if (type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number') return `(${type})`;
      return name || `(${type})`;
    };
    const scriptName = (f: number): string => {
      const s = f >= 0 ? scriptOf(f) : -1;
      return s >= 0 ? str(g.nodeName[s]!) : '';
    };
    const site = (f: number): string | undefined => {
      const file = scriptName(f);
      if (!file) return undefined;
      return g.nodeLine[f]! >= 0 ? `${path.basename(file)}:${g.nodeLine[f]! + 1}` : path.basename(file);
    };
    const functionSite = (f: number): string => {
      const s = site(f);
      return s ? `${node(f)} at ${s}` : node(f);
    };
    const reference = (e: number, closure: number): TraceReference => {
      const o = edgeFrom[e]!;
      const { kind, user } = kindOf(e);
      const name = named(e) ? str(g.edgeNameOrIndex[e]!) : `[${g.edgeNameOrIndex[e]}]`;
      if (g.edgeType[e] === E.context) {
        const f = closure >= 0 ? closure : closureOf(o);
        if (kind === 'module-variable') {
          const file = scriptName(f);
          const declared = file && !want ? declarationLine(file, name) : null;
          return { kind, owner: file ? path.basename(file) : 'module', name, user, ...(file ? { site: declared ?? path.basename(file) } : {}) };
        }
        const s = f >= 0 ? site(f) : undefined;
        return { kind, owner: f >= 0 ? node(f) : 'closure', name, user, ...(s ? { site: s } : {}) };
      }
      if (g.edgeType[e] === E.element || g.edgeType[e] === E.hidden) return { kind, owner: node(o), name, user };
      const s = g.nodeType[o] === CLOSURE ? site(o) : undefined;
      return { kind, owner: kind === 'class-attribute' ? node(o).replace(/\(\)$/, '') : node(o), name, user, ...(s ? { site: s } : {}) };
    };
    return {
      node,
      functionSite,
      references(edges) {
        const out: TraceReference[] = [];
        for (let i = 0; i < edges.length; i++) {
          const e = edges[i]!;
          const next = edges[i + 1];
          // a closure's link to its context, followed by a variable of that context: one reference, the closure's variable
          if (g.edgeType[e] === E.internal && g.edgeNameOrIndex[e] === sp('context') && next !== undefined && g.edgeType[next] === E.context) {
            out.push(reference(next, edgeFrom[e]!));
            i++;
            continue;
          }
          out.push(reference(e, -1));
        }
        return out;
      },
      via(p, edges) {
        const held = edges.length > 0 ? reference(edges[0]!, -1) : null;
        return held ? `${node(p)}, held by ${held.owner}: ${held.name}` : node(p);
      },
    };
  }
}

const declarations = new Map<string, string[] | null>();

/** `file:line` of a top-level `const|let|var|class|function NAME`, read from the script's source when it is on disk. */
function declarationLine(file: string, name: string): string | null {
  let lines = declarations.get(file);
  if (lines === undefined) {
    try {
      lines = readFileSync(file.startsWith('file://') ? fileURLToPath(file) : file, 'utf8').split('\n');
    } catch {
      lines = null;
    }
    declarations.set(file, lines);
  }
  if (!lines) return null;
  const re = new RegExp(`^\\s*(export\\s+)?(const|let|var|class|function\\*?|async\\s+function)\\s+${name.replace(/[$]/g, '\\$')}\\b`);
  const i = lines.findIndex((l) => re.test(l));
  return i >= 0 ? `${path.basename(file)}:${i + 1}` : null;
}
