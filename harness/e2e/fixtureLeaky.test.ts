// Every bundled fixture's leaky variant, through the real CLI: it fails on the checks that name its
// leak, the top suspects name what leaks and who holds it, and no process of the run is alive after.
import { describe, expect, it } from 'vitest';
import { failedCheckIds, processesWithRunCookie, runSeep } from './runSeep.ts';
import { CASES, TIMEOUT_MS, variantEnv } from './fixtureCases.ts';

describe.each(CASES)('$scenario', ({ scenario, leakyFails, suspect }) => {
  it('fails the leaky variant on the expected checks', { timeout: TIMEOUT_MS }, async () => {
    const run = await runSeep(['run', scenario], { env: variantEnv('leaky') });
    expect(run.code, run.stderr).toBe(1);
    const report = await run.report();
    expect(report?.scenarios[0]?.verdict).toBe('fail');
    expect(failedCheckIds(report!)).toEqual(leakyFails);
    const top = report!.scenarios[0]!.suspects.slice(0, 3);
    for (const want of [suspect ?? []].flat()) {
      const named = top.find((x) => want.name.test(x.name));
      expect(named, JSON.stringify(top, null, 1)).toBeDefined();
      if (want.where) expect(named!.where.join('\n')).toMatch(want.where);
    }
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });
});
