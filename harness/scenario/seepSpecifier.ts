// `import ... from 'seep'` (or require) in a scenario resolves to the seep that is running whenever
// the scenario's project cannot resolve it itself: a Python repository with no package.json, seep
// installed globally or run through npx. Where the project has seep, its own copy is used.
import Module, { register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SEEP = /^seep(\/|$)/;
let done = false;

export function resolveSeepFromScenarios(): void {
  if (done) return;
  done = true;
  const here = fileURLToPath(import.meta.url);
  // a file inside this package: from there the package resolves its own name through its exports
  const inside = path.join(path.dirname(here), '..', 'index.js');
  // ES modules (.mjs, and TypeScript that tsx loads as ESM): resolve hooks, in their own thread
  register('./seepSpecifierHooks.mjs', import.meta.url, { data: { inside } });
  // CommonJS (TypeScript that tsx compiles to CommonJS where no package.json says "type": "module"):
  // Node 20 has no require hooks (module.registerHooks is Node 22), so the resolver is wrapped
  const cjs = Module as unknown as { _resolveFilename(request: string, parent: unknown, ...rest: unknown[]): string };
  const original = cjs._resolveFilename;
  cjs._resolveFilename = function (request, parent, ...rest) {
    try {
      return original.call(this, request, parent, ...rest);
    } catch (err) {
      if (!SEEP.test(request)) throw err;
      return original.call(this, request, { id: inside, filename: inside, paths: [] }, ...rest);
    }
  };
}
