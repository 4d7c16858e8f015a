#!/usr/bin/env -S node --max-semi-space-size=4
// The `seep` command. A young generation capped at 4 MB keeps seep's own RSS flat over a long soak,
// where it otherwise climbs with short-lived sample objects (soakPipeline bench: day 7 / day 1 RSS
// 1.29 without, 1.06-1.08 with; peak 136 MB -> 111-117 MB).
// The harness is TypeScript, and so are user scenario files:
// register tsx's loader once, then hand over to the CLI proper.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
