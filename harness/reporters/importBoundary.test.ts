// Reporters draw what the report carries; they compute nothing. A reporter that imports analysis
// code has started to re-derive a number, so only `import type` from analysis/ is allowed here.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return sources(p);
    return /\.(ts|js|mjs|cjs)$/.test(d.name) ? [p] : [];
  });
}

/** Every import or export ... from, dynamic import and require naming a path under analysis/, unless type-only. */
function valueImportsOfAnalysis(source: string): string[] {
  const found: string[] = [];
  const statement = /\b(import|export)\s+(type\s+)?[^;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]/g;
  for (const m of source.matchAll(statement)) {
    const spec = m[3] ?? m[4] ?? m[5] ?? m[6] ?? '';
    if (!/(^|\/)analysis\//.test(spec)) continue;
    if (m[2]) continue; // import type ... / export type ...
    found.push(m[0].replace(/\s+/g, ' '));
  }
  return found;
}

describe('reporters import from analysis/ only types', () => {
  it('finds value imports, and lets type-only ones through', () => {
    expect(valueImportsOfAnalysis(`import { growth } from '../analysis/memoryChecks.ts';`)).toHaveLength(1);
    expect(valueImportsOfAnalysis(`import {\n  theilSen,\n} from "../../analysis/theilSen.ts"`)).toHaveLength(1);
    expect(valueImportsOfAnalysis(`const t = await import('../analysis/trend.ts');`)).toHaveLength(1);
    expect(valueImportsOfAnalysis(`export { median } from '../analysis/seriesReduction.ts';`)).toHaveLength(1);
    expect(valueImportsOfAnalysis(`import type { Observations } from '../analysis/observations.ts';`)).toEqual([]);
    expect(valueImportsOfAnalysis(`import { formatValue } from './formatValue.ts';`)).toEqual([]);
  });

  it('holds for every file under reporters/', () => {
    const offenders = sources(here)
      .filter((f) => f !== fileURLToPath(import.meta.url))
      .flatMap((f) => valueImportsOfAnalysis(readFileSync(f, 'utf8')).map((i) => `${path.relative(here, f)}: ${i}`));
    expect(offenders).toEqual([]);
  });
});
