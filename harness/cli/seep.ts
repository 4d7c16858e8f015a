#!/usr/bin/env -S node --max-semi-space-size=4
// The `seep` command, compiled to dist/cli/seep.js. A young generation capped at 4 MB keeps seep's
// own RSS flat over a long soak, where it otherwise climbs with short-lived sample objects
// (soakPipeline bench: day 7 / day 1 RSS 1.29 without, 1.06-1.08 with; peak 136 MB -> 111-117 MB).
// `seep --version` alone answers before the command line's modules load, written straight to fd 1
// (console's stdout stream costs more to set up than the answer): CI scripts call it to log what ran.
import { writeSync } from 'node:fs';
import { SEEP_VERSION } from '../seepVersion.ts';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  writeSync(1, `${SEEP_VERSION}\n`);
} else {
  const { main } = await import('./main.ts');
  process.exitCode = await main(argv);
}
