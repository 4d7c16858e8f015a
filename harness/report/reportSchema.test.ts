import { describe, expect, it } from 'vitest';
import { reportValidator } from '../../fixtures/testing/reportJsonSchema.ts';
import { runSeep } from '../../fixtures/testing/runSeep.ts';
import type { Report } from './runReportSchema.ts';

describe('the JSON report validates against the schema types', () => {
  const validate = reportValidator();

  it('accepts the report of a real run, and the report is complete', async () => {
    const run = await runSeep(['run', 'scenarios/socket-leak.scenario.ts', '--iterations', '5', '--warmup', '1']);
    expect(run.code, run.stderr).toBe(0);
    const report = (await run.report())!;
    expect(validate(report)).toEqual([]);
    const s = report.scenarios[0]!;
    expect(s.iterations).toEqual({ warmup: 1, measured: 5 });
    // one boundary per iteration plus the settle reads
    expect(s.series.boundaries.phase.filter((p) => p === 'measured')).toHaveLength(5);
    expect(s.series.boundaries.values.rss.every((v) => typeof v === 'number' && v > 1e6)).toBe(true);
    expect(s.checks.map((c) => c.resource)).toEqual(expect.arrayContaining(['rss', 'fds', 'sockets', 'threads', 'children', 'orphans']));
    // what observing cost: every step timed, every boundary's parts timed (a counted run reads one per step)
    const o = s.observerCost!;
    expect(o.steps).toBe(6);
    expect(o.boundaries).toBeGreaterThanOrEqual(6);
    expect([o.stepMs, o.gcMs, o.readMs, o.agentMs, o.perStepMs].every((x) => typeof x === 'number' && x >= 0)).toBe(true);
    expect(o.readMs!).toBeGreaterThan(0);
  });

  it('rejects a report that breaks the schema, naming where', () => {
    const broken = {
      schemaVersion: 1, seepVersion: 'x', runId: 'r', startedAt: '', finishedAt: '', exitCode: 3,
      host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 2, totalMemBytes: 1, node: 'v20' },
      scenarios: [{ name: 'n', verdict: 'maybe' }],
    } as unknown as Report;
    const paths = validate(broken).map((e) => e.instancePath);
    expect(paths).toEqual(expect.arrayContaining(['/exitCode', '/scenarios/0', '/scenarios/0/verdict']));
  });
});
