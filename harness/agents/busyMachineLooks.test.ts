// The looks after a run on a busy machine: the budget for naming suspects is counted in the CPU time
// of the processes doing them (lookClock.ts), so a machine that stretches a look's wall time
// several-fold does not cut it short of what it finds on a quiet one; and a suspect whose search
// did run out of time says so, instead of naming no place.
import { describe, expect, it } from 'vitest';
import { createAttributionBudget, MAX_STRETCH, wallClock, type AttributionClock } from './attributionBudget.ts';
import { createSuspectCollector } from './suspectCollector.ts';
import { rankEvidence } from '../analysis/rankSuspects.ts';
import { suspectTextLines } from '../reporters/leakTraceLines.ts';

/** a machine on which a process doing the looks gets 1/stretch of a core: its CPU time is the wall's over `stretch` */
function busyMachine(stretch: number): AttributionClock {
  return { wallMs: () => Date.now(), cpuMs: () => Date.now() / stretch };
}

/**
 * A Python agent whose app.Job grows 20 per look-to-look, and whose referrer search needs
 * `searchWallMs` on the wall clock to answer; it gives up as the agent client does when the wait it
 * was given runs out.
 */
function fakeAgent(searchWallMs: number) {
  let looks = 0;
  return async (op: string, _params?: object, timeoutMs = 120_000): Promise<unknown> => {
    switch (op) {
      case 'memory': return { tracing: false };
      case 'openResources': return { resources: [] };
      case 'typeCounts': return { counts: { 'app.Job': 5 + 20 * Math.min(looks++, 1) } };
      case 'warnings': return { warnings: [], dropped: 0 };
      case 'referrers':
        return new Promise((resolve, reject) => {
          if (timeoutMs < searchWallMs) setTimeout(() => reject(new Error(`agent op 'referrers' timed out after ${timeoutMs} ms`)), timeoutMs).unref();
          else setTimeout(() => resolve({ chain: ['app.py:3  app.JOBS', 'list', 'app.Job'] }), searchWallMs).unref();
        });
      default: throw new Error(`no op ${op}`);
    }
  };
}

async function namedJob(budgetMs: number, clock: AttributionClock, searchWallMs: number) {
  const budget = createAttributionBudget(budgetMs, clock);
  const c = createSuspectCollector({ runtime: 'python', request: fakeAgent(searchWallMs), workDir: '/nonexistent', keepSnapshots: false, maxSnapshotBytes: 0, budget });
  await c.atBaseline();
  await c.afterMeasured();
  await c.afterSettle();
  const job = rankEvidence(await c.evidence(20)).find((s) => s.name === 'app.Job');
  return { job: job!, budget: budget.summary() };
}

describe('the budget for naming suspects on a busy machine', () => {
  it('is counted in the looks CPU time, at least 1/MAX_STRETCH of the wall time and never more than it', () => {
    let wall = 0;
    let cpu = 0;
    const b = createAttributionBudget(30_000, { wallMs: () => wall, cpuMs: () => cpu });
    wall += 20_000; // a machine at 4x: a look of 5 s CPU took 20 s
    cpu += 5_000;
    expect(b.remainingMs()).toBe(25_000);
    // a timeout for a child process or a socket: whole milliseconds (a fraction threw in execFile)
    expect(b.wallBoundMs(1000.3)).toBe(8002);
    cpu += 40_000; // processes working side by side: never faster than the wall
    expect(b.elapsedMs()).toBe(20_000);
    cpu -= 45_000; // a stopped target uses no CPU: the budget still ends, at MAX_STRETCH times its length
    wall = MAX_STRETCH * 30_000;
    expect(b.remainingMs()).toBe(0);
    expect(b.wallBoundMs(1000)).toBe(0);
    expect(b.summary()).toMatchObject({ budgetMs: 30_000, usedMs: 30_000, wallMs: MAX_STRETCH * 30_000 });
    // a plain deadline when the clock is the wall's
    const w = createAttributionBudget(1000, wallClock(() => wall));
    wall += 400;
    expect(w.remainingMs()).toBe(600);
    expect(w.summary()).toEqual({ budgetMs: 1000, usedMs: 400, cutShort: [] });
  });

  it('lets a search the busy machine stretches past the budget on the wall clock finish, and names its place', async () => {
    // 1.6 s on the wall clock for 0.4 s of CPU, within the 1 s budget: a wall-clock deadline cut it at 1 s
    const { job, budget } = await namedJob(1000, busyMachine(4), 1600);
    expect(budget.cutShort).toEqual([]);
    expect(budget.usedMs).toBeLessThan(1000);
    expect(budget.wallMs).toBeGreaterThanOrEqual(1600);
    expect(job.where).toEqual(['app.py:3  app.JOBS', 'list', 'app.Job']);
    expect(job.noWhere).toBeUndefined();
  });

  it('cuts a search that uses more than its share of CPU, and the suspect says why it has no place', async () => {
    const { job, budget } = await namedJob(1000, busyMachine(1), 5000);
    expect(budget.cutShort.join('\n')).toMatch(/^referrer search for app\.Job cut short at 1(\.\d)? s/m);
    expect(job.where).toEqual([]);
    expect(job.noWhere).toMatch(/^referrer search for app\.Job cut short at .*, its share of the time for naming suspects$/);
    expect(suspectTextLines(job)).toEqual([`no location: ${job.noWhere}`]);
  });
});
