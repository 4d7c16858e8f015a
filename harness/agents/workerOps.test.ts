import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFunctionWorker } from '../drivers/functionWorker.ts';
import { createSuspectCollector } from './suspectCollector.ts';
import { rankEvidence } from '../analysis/rankSuspects.ts';
import { withHeld } from '../analysis/suspects.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..');
const dir = mkdtempSync(path.join(tmpdir(), 'seep-workerops-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const N = 25;

async function suspectsOf(modulePath: string, fn: string, variant: string, env: Record<string, string>) {
  const worker = await startFunctionWorker({ path: modulePath }, { repoRoot, env: { VARIANT: variant, ...env }, onOutput: () => {} });
  try {
    const c = createSuspectCollector({ runtime: worker.runtime, request: (op, p) => worker.request(op, p, 60_000), workDir: dir, keepSnapshots: false, maxSnapshotBytes: 0 });
    for (let i = 0; i < 3; i++) await worker.call(fn, []);
    await c.atBaseline();
    for (let i = 0; i < N; i++) await worker.call(fn, []);
    await c.afterMeasured();
    await c.afterSettle();
    const s = rankEvidence(await c.evidence(N));
    return { s, errors: c.errors() };
  } finally {
    await worker.stop();
  }
}

describe('agent ops inside the function workers', () => {
  it('Python worker: top suspect is the module registry, then the allocating line in the module; the Job type leads to the registry', async () => {
    const { s, errors } = await suspectsOf('fixtures/agent-targets/jobs.py', 'run_job', 'leaky', { PYTHONTRACEMALLOC: '5' });
    expect(errors).toEqual([]);
    expect(s[0]).toMatchObject({ kind: 'holder', name: 'jobs._JOB_REGISTRY' });
    expect(s[1]!.name).toMatch(/agent-targets\/jobs\.py:10$/);
    expect(withHeld(s).find((x) => x.name === 'jobs.Job')?.where[0]).toMatch(/jobs\.py:5 +jobs\._JOB_REGISTRY/);
    const fixed = await suspectsOf('fixtures/agent-targets/jobs.py', 'run_job', 'fixed', { PYTHONTRACEMALLOC: '5' });
    expect(fixed.s).toEqual([]);
  });

  it('Node worker: top suspect is the module array, holding the Job constructor, not the worker\'s own names', async () => {
    const { s, errors } = await suspectsOf('fixtures/agent-targets/jobs.mjs', 'runJob', 'leaky', {});
    expect(errors).toEqual([]);
    expect(s[0]).toMatchObject({ kind: 'holder', name: 'jobs.mjs: registry', countDelta: N });
    expect(s[0]!.trace?.references[0]).toMatchObject({ kind: 'module-variable', owner: 'jobs.mjs', name: 'registry', user: true, site: 'jobs.mjs:2' });
    expect(s[0]!.holds?.map((h) => h.name)).toContain('Job');
    const fixed = await suspectsOf('fixtures/agent-targets/jobs.mjs', 'runJob', 'fixed', {});
    expect(fixed.s).toEqual([]);
  });
});
