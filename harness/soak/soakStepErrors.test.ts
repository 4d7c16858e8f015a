// A soak goes on past a step that throws: the error is recorded, the soak runs to its end, and the
// stepErrors budget (0 by default) decides; a step that throws every time ends the soak as an error.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { processesWithRunCookie, runSeep } from '../../fixtures/testing/runSeep.ts';

async function scenarioFile(name: string, step: string, budgets = '{}', duration = '6s'): Promise<string> {
  const file = path.join(tempDir('seep-step-errors-'), `${name}.scenario.mjs`);
  await writeFile(file, `export default {
    name: '${name}', duration: '${duration}', warmup: '1s', interval: '100ms', budgets: ${budgets},
    step: ${step},
  };`);
  return file;
}

describe('step errors in a soak', () => {
  const flaky = `async ({ exec, iteration }) => {
    if (iteration % 5 === 4) throw new Error('upstream reset (iteration ' + iteration + ')');
    await exec(['true']);
  }`;

  it('records a step that throws and runs on to the end; the default budget of 0 fails the soak', async () => {
    const run = await runSeep(['run', await scenarioFile('flaky', flaky)], { timeoutMs: 60_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(s.error, run.stderr).toBeUndefined();
    expect(run.code).toBe(1);
    const c = s.checks.find((x) => x.id === 'budget.stepErrors')!;
    expect(c.pass).toBe(false);
    // one step in five throws: however slow the machine, several did in 6 s, and the rest ran
    expect(c.observed).toBeGreaterThanOrEqual(2);
    expect(s.iterations.warmup + s.iterations.measured).toBeGreaterThan(c.observed);
    expect(c.message).toMatch(/^\d+ of \d+ steps threw \(budget 0, the default\); at \d+s: step 5 \(\w+, .*\) threw: upstream reset \(iteration 4\)/);
    expect(Date.parse(s.finishedAt) - Date.parse(s.startedAt)).toBeGreaterThanOrEqual(6000); // it ran on to the end
    expect(run.stderr).toMatch(/upstream reset \(iteration 4\); the soak goes on \(step error 1\)/);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  }, 90_000);

  it('passes within a stepErrors budget', async () => {
    const run = await runSeep(['run', await scenarioFile('flaky-budget', flaky, '{ stepErrors: 100 }')], { timeoutMs: 60_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(s.checks.find((x) => x.id === 'budget.stepErrors')!.pass).toBe(true);
    expect(run.code, run.stdout + run.stderr).toBe(0);
  }, 90_000);

  it('ends the soak as an error when 20 steps in a row throw, long before its duration', async () => {
    const run = await runSeep(['run', await scenarioFile('broken', `() => { throw new Error('no such route') }`, '{}', '60s')], { timeoutMs: 90_000 });
    const s = (await run.report())!.scenarios[0]!;
    expect(run.code, run.stderr).toBe(2);
    expect(s.error).toMatch(/step 20 \(measured, .*\) threw: no such route \(20 steps in a row threw: the soak stops\)/);
    expect(Date.parse(s.finishedAt) - Date.parse(s.startedAt)).toBeLessThan(30_000);
    expect(await processesWithRunCookie(run.pid)).toEqual([]);
  }, 90_000);
});
