#!/usr/bin/env node
// The `seep` command. The harness is TypeScript, and so are user scenario files:
// register tsx's loader once, then hand over to the CLI proper.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
