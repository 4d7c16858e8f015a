// Every bundled fixture, through the real CLI: the leaky variant fails on the check that names its
// leak, the fixed twin passes, and no process of the run is alive once seep has exited.
import { describe, expect, it } from 'vitest';
import { failedCheckIds, processesWithRunCookie, runSeep } from './runSeep.ts';

const CASES: { scenario: string; leakyFails: string[] }[] = [
  { scenario: 'scenarios/crew.scenario.ts', leakyFails: ['budget.rssGrowth'] },
  // leaked upstream sessions hold sockets (fds) in the service and a thread each in its upstream child
  { scenario: 'scenarios/export-service.scenario.ts', leakyFails: ['budget.rssGrowth', 'budget.sockets', 'leak.fds', 'leak.threads'] },
  {
    scenario: 'scenarios/finance-cli.scenario.ts',
    leakyFails: ['budget.files:fixtures/finance-cli/.history', 'budget.orphans', 'budget.output.forbid:ResourceWarning'],
  },
  { scenario: 'scenarios/node-service.scenario.ts', leakyFails: ['budget.output.forbid:MaxListenersExceededWarning', 'leak.rss'] },
  // a socket-only leak: memory stays flat, the socket check alone catches it
  { scenario: 'scenarios/socket-leak.scenario.ts', leakyFails: ['leak.fds', 'leak.sockets'] },
  // a double-forked daemon in a new session: found by the run cookie, reported, killed
  { scenario: 'scenarios/escaper.scenario.ts', leakyFails: ['budget.orphans'] },
];

// 103 CLI invocations at ~0.5 s each (two Python start-ups per invocation) is the slowest case
const TIMEOUT_MS = 240_000;

describe.each(CASES)('$scenario', ({ scenario, leakyFails }) => {
  it('fails the leaky variant on the expected checks', { timeout: TIMEOUT_MS }, async () => {
    const run = await runSeep(['run', scenario], { env: { VARIANT: 'leaky' } });
    expect(run.code, run.stderr).toBe(1);
    const report = await run.report();
    expect(report?.scenarios[0]?.verdict).toBe('fail');
    expect(failedCheckIds(report!)).toEqual(leakyFails);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });

  it('passes the fixed variant', { timeout: TIMEOUT_MS }, async () => {
    const run = await runSeep(['run', scenario], { env: { VARIANT: 'fixed' } });
    const report = await run.report();
    expect(failedCheckIds(report!), JSON.stringify(report?.scenarios[0]?.checks.filter((c) => !c.pass), null, 1)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  });
});
