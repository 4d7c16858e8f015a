import { defineConfig } from 'vitest/config';

// Tests start real processes (targets, workers, servers) and sample them through /proc.
// Two cores: run files in forked processes, a few at a time, with room for slow starts.
export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'seep',
          include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts'],
          // pythonFrameworks: the framework corpus needs Debian's gunicorn, Flask, Django, FastAPI, uvicorn,
          // aiohttp and bs4 for /usr/bin/python3; installed with apt-get when missing and we are root
          globalSetup: ['fixtures/testing/buildOnce.ts', 'fixtures/testing/pythonFrameworks.ts'],
        },
      },
      // seep/vitest's leak tests (`vitest --project leaks`): slow, and each measures a process, so
      // one file at a time, after the rest; they import seep's sources, so need neither build nor frameworks
      { extends: true, test: { name: 'leaks', include: ['fixtures/leak-tests/**/*.leak.ts'], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
