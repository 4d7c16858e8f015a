import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SlowFirst } from './fixtures/testing/slowFirst.ts';
import { splitTestFiles } from './fixtures/testing/testProjects.ts';

// Tests start real processes (targets, workers, servers) and sample them through /proc.
// Two cores: run files in forked processes, a few at a time, with room for slow starts.
// Three projects, all run by `npm test` (`vitest run --project unit` runs one):
// - unit: pure and in-process tests, no process started (fixtures/testing/testProjects.ts decides
//   from each file's imports, so a new file needs no entry here), under a minute alone;
// - e2e: whatever starts a process: the CLI, targets, servers, agents, a browser. The two run side
//   by side, the long e2e files first and the short unit ones filling the cores at the end;
// - leaks: seep/vitest's own leak tests, one file at a time, after the rest.
const { unit, e2e } = splitTestFiles(fileURLToPath(new URL('.', import.meta.url)), ['harness', 'fixtures']);

export default defineConfig({
  test: {
    pool: 'forks',
    // 2, not 3: the slow e2e files' process trees (schedstat CPU, the build and vitest's start taken
    // out) use 0.2-1.5 cores over their time, 0.7 on average (the framework corpus 0.5-0.6, the
    // labelled corpus 0.9, realSetupsServices 1.4, binRunnable 1.5): two workers already ask ~1.4 of
    // the 2 cores, and a CPU hog beside the suite leaves one. A file whose runs wait overlaps them itself
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    // slowest first, so that two cores are not left waiting on one long file at the end
    sequence: { sequencer: SlowFirst },
    projects: [
      { extends: true, test: { name: 'unit', include: unit } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: e2e,
          // buildOnce: the e2e tests run the `seep` command from dist/, built from the sources under test;
          // pythonFrameworks: the framework corpus needs Debian's gunicorn, Flask, Django, FastAPI, uvicorn,
          // aiohttp and bs4 for /usr/bin/python3; installed with apt-get when missing and we are root
          // pythonOnPath: `python3` as the shim of a version manager (pyenv) would run it, without the
          // shim's 0.4 s of CPU at every start (fixtures/testing/pythonOnPath.ts)
          globalSetup: ['fixtures/testing/buildOnce.ts', 'fixtures/testing/pythonFrameworks.ts', 'fixtures/testing/pythonOnPath.ts'],
        },
      },
      // seep/vitest's leak tests (`vitest --project leaks`): slow, and each measures a process, so
      // one file at a time, after the rest; they import seep's sources, so need neither build nor frameworks
      { extends: true, test: { name: 'leaks', include: ['fixtures/leak-tests/**/*.leak.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
