#!/usr/bin/env node
// Runs a TypeScript entry point under tsx's ESM loader: `node harness/build/tsnode.mjs file.ts [args]`.
// Node 20 has no type stripping of its own.
import { register } from 'tsx/esm/api';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

register();
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: tsnode.mjs <file.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
await import(pathToFileURL(path.resolve(entry)).href);
