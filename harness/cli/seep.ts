#!/usr/bin/env -S node --max-semi-space-size=4
// The `seep` command, compiled to dist/cli/seep.js. A young generation capped at 4 MB keeps seep's
// own RSS flat over a long soak, where it otherwise climbs with short-lived sample objects
// (soakPipeline bench: day 7 / day 1 RSS 1.29 without, 1.06-1.08 with; peak 136 MB -> 111-117 MB).
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
