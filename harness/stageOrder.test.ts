// Each folder of harness/ is one stage, and the stages stand in one order: a file imports only from
// its own folder and from the stages below it, so nothing downstream reaches back upstream, and no
// files import each other in a loop. Type-only imports count too: a type a stage needs from a later
// one is a sign that it sits in the wrong stage.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const harness = path.dirname(fileURLToPath(import.meta.url));

/** From the bottom up: a stage may import from the stages listed before it. */
const STAGES = [
  'report', // the schemas of the documents: every stage speaks them
  'scenario', // the scenario file, validated and planned
  'series', // the stream's format and the bounded columns it is folded into
  'channel', // JSON lines with a process
  'probes', // /proc, fds, sockets, cgroups: what a process tree holds
  'drivers', // acting on the target: services, workers, commands, HTTP, load
  'heap', // heap snapshots and retainer paths
  'agents', // the agents inside the target and what they look at
  'observations', // the fold of a run's events into what was observed
  'analysis', // the judge: observations and budgets in, checks and verdict out
  'reporters', // the outputs: they draw a report
  'assembly', // a run's report assembled from the fold and the judge; stored runs rebuilt and merged
  'runner', // the engine: drives the target, and feeds the stages above it
  'init',
  'vitest',
  'cli',
];

/**
 * Imports that still run against the order, each with the work that removes it. A listed import
 * that is gone fails the test too, so this list only shrinks.
 */
const KNOWN: Record<string, string> = {};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'node_modules' ? [] : sources(p);
    return /\.(ts|mts|cts|js|mjs|cjs)$/.test(d.name) && !/\.test\.ts$|\.d\.c?ts$/.test(d.name) ? [p] : [];
  });
}

/** Every relative import, export ... from, dynamic import and require of a file, as paths inside harness/. */
export function importsOf(file: string, source: string): string[] {
  const statement = /\b(?:import|export)\s+(?:type\s+)?[^;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g;
  const out: string[] = [];
  for (const m of source.matchAll(statement)) {
    const spec = m[1] ?? m[2] ?? m[3] ?? m[4] ?? '';
    if (!spec.startsWith('.')) continue;
    out.push(path.relative(harness, path.resolve(path.dirname(file), spec)));
  }
  return out;
}

const stageOf = (rel: string): string | null => (rel.includes(path.sep) ? rel.split(path.sep)[0]! : null);

function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of sources(harness)) g.set(path.relative(harness, f), importsOf(f, readFileSync(f, 'utf8')));
  return g;
}

/** Imports from a stage to a later one (or to a folder that is in no stage). */
function againstTheOrder(g: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, tos] of g) {
    const a = stageOf(from);
    if (a === null) continue; // harness/index.ts and its like face the users, above every stage
    for (const to of tos) {
      const b = stageOf(to);
      if (b === null || b === a || b === '..') continue;
      if (!STAGES.includes(a) || !STAGES.includes(b) || STAGES.indexOf(b) > STAGES.indexOf(a)) out.push(`${from} -> ${to}`);
    }
  }
  return out.sort();
}

/** The files that import each other in a loop, one loop per strongly connected set (Tarjan). */
function cycles(g: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const set: string[] = [];
      for (let w = stack.pop()!; ; w = stack.pop()!) {
        onStack.delete(w);
        set.push(w);
        if (w === v) break;
      }
      if (set.length > 1 || (g.get(v) ?? []).includes(v)) out.push(set.sort());
    }
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return out;
}

describe('the stages of harness/', () => {
  it('reads every kind of import, type-only ones too', () => {
    const from = path.join(harness, 'runner', 'x.ts');
    const src = [
      `import { a } from '../analysis/judge.ts';`,
      `import type {\n  B,\n} from "./runTarget.ts";`,
      `export { c } from '../series/sampleStream.ts';`,
      `const d = await import('../probes/procfs.ts');`,
      `import 'node:fs';`,
    ].join('\n');
    expect(importsOf(from, src)).toEqual(['analysis/judge.ts', 'runner/runTarget.ts', 'series/sampleStream.ts', 'probes/procfs.ts']);
  });

  it('finds a loop, and an import against the order', () => {
    const g = new Map([['runner/a.ts', ['runner/b.ts']], ['runner/b.ts', ['runner/a.ts', 'analysis/c.ts']], ['analysis/c.ts', ['runner/d.ts']], ['runner/d.ts', []]]);
    expect(cycles(g)).toEqual([['runner/a.ts', 'runner/b.ts']]);
    expect(againstTheOrder(g)).toEqual(['analysis/c.ts -> runner/d.ts']);
  });

  it('names every folder of harness/ in the order', () => {
    const folders = readdirSync(harness, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(folders.filter((f) => !STAGES.includes(f))).toEqual([]);
  });

  it('imports only from its own stage and the stages below it, but for the known exceptions', () => {
    const found = againstTheOrder(graph());
    expect(found.filter((i) => !(i in KNOWN))).toEqual([]);
    expect(Object.keys(KNOWN).filter((i) => !found.includes(i))).toEqual([]);
  });

  it('has no import loops', () => {
    expect(cycles(graph())).toEqual([]);
  });
});
