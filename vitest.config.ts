import { defineConfig } from 'vitest/config';

// Tests start real processes (targets, workers, servers) and sample them through /proc.
// Two cores: run files in forked processes, a few at a time, with room for slow starts.
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'fixtures/**/*.test.ts'],
    globalSetup: ['fixtures/testing/buildOnce.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
