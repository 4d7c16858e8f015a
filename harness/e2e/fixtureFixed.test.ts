// Every bundled fixture's fixed twin, through the real CLI: it passes, nothing is a suspect that
// grows with the iterations, and no process of the run is alive after.
import { describe, expect, it } from 'vitest';
import { failedCheckIds, processesWithRunCookie, runSeep } from './runSeep.ts';
import { CASES, TIMEOUT_MS, variantEnv } from './fixtureCases.ts';

describe.each(CASES)('$scenario', ({ scenario }) => {
  it('passes the fixed variant', { timeout: TIMEOUT_MS }, async () => {
    const run = await runSeep(['run', scenario], { env: variantEnv('fixed') });
    const report = await run.report();
    expect(failedCheckIds(report!), JSON.stringify(report?.scenarios[0]?.checks.filter((c) => !c.pass), null, 1)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    // nothing grows with the iterations in a fixed twin
    expect(report!.scenarios[0]!.suspects.filter((x) => x.perIteration >= 0.5)).toEqual([]);
    // naming suspects comes after the settle and is not recorded: a heap snapshot once lifted the
    // settle sample of node-service from 56 MB to 95 MB, a cliff at the end of every RSS chart
    const b = report!.scenarios[0]!.series.boundaries;
    const rssIn = (phase: string) => b.values.rss.filter((v, i) => b.phase[i] === phase && v !== null) as number[];
    expect(Math.max(...rssIn('settle'))).toBeLessThan(Math.max(...rssIn('measured')) * 1.25 + 4e6);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });
});
