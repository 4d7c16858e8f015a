// Disk judged from the events a run streams (temp dir totals in the samples, the paths followed in
// 'disk' lines, what the temp dir held at the end), through the run aggregate as a live run or a
// rebuilt one is judged.
import { describe, expect, it } from 'vitest';
import { METRICS, type Sample } from '../report/sampleSchema.ts';
import type { Leftover } from '../report/runReportSchema.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead } from '../observations/streamHead.ts';
import { encodeSample, phaseCode } from '../series/sampleStream.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import type { Budgets } from '../scenario/types.ts';
import type { DiskLine } from '../series/sampleStream.ts';
import { runFigures } from './runFigures.ts';
import { compareFigures } from './compareRuns.ts';

interface Step {
  tmpBytes?: number;
  tmpEntries?: number;
  stepMs?: number;
  files?: Record<string, number>;
  dirs?: Record<string, [number, number]>;
}

/** A counted CLI run of `measured` steps after 3 warmup steps and one settle read; `at(k)` says what step k (0: baseline) left. */
function run(measured: number, at: (k: number) => Step, o: { budgets?: Budgets; left?: Leftover[]; allowed?: string[]; free?: number } = {}) {
  const agg = createRunAggregate();
  agg.add({ k: 'head', v: 1, head: encodeHead({ name: 's', file: 's.scenario.mjs', startedAt: '2026-12-01T12:00:00.000Z', target: { kind: 'cli' }, budgets: planBudgets(o.budgets), alerts: [], durationMs: 0, measure: { steps: measured }, warmup: { steps: 3 }, sampleHz: 4 }) });
  const announced = new Set<string>();
  let t = 0;
  const read = (i: number, phase: Sample['phase'], s: Step) => {
    t += 1000;
    const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Sample['values'];
    values.tmpBytes = s.tmpBytes ?? 0;
    values.tmpEntries = s.tmpEntries ?? 0;
    values.stepMs = s.stepMs ?? null;
    values.diskBytes = Object.values(s.files ?? {}).reduce((a, b) => a + b, 0);
    agg.add(encodeSample({ t, iteration: i, phase, values, tcp: {}, pids: [] }, 'b', i === 1));
    const line: DiskLine = { k: 'disk', t, i, p: phaseCode(phase), f: s.files ?? {}, d: s.dirs ?? {}, fs: { '1': o.free ?? 50e9 } };
    if (i === 1) line.tmp = { dir: '/tmp/seep-tabc-1', dev: 1 };
    for (const p of [...Object.keys(line.f), ...Object.keys(line.d)]) {
      if (announced.has(p)) continue;
      announced.add(p);
      (line.n ??= {})[p] = { how: p in line.d ? 'folder' : 'open for writing', dev: 1, ...(o.allowed?.includes(p) ? { allowed: true as const } : {}) };
    }
    agg.add(line);
  };
  for (let i = 1; i <= 3; i++) read(i, 'warmup', at(0));
  for (let k = 1; k <= measured; k++) read(3 + k, 'measured', at(k));
  read(3 + measured, 'settle', at(measured));
  agg.add({ k: 'tempLeft', t: t + 100, left: o.left ?? [] });
  agg.add({ k: 'end', t: t + 200, tail: { finishedAt: '2026-12-01T13:00:00.000Z', steps: { warmup: 3, measured }, orphans: [], newSinceBaseline: { processes: [], sockets: [], fds: [] }, fileSizes: {}, probeErrors: [] } });
  return agg.report();
}

const check = (r: ReturnType<typeof run>, id: string) => r.checks.find((c) => c.id === id);

describe('leak.disk', () => {
  it('fails a temp dir gaining a folder per step, naming what was left, and passes one the steps clean up', () => {
    const left: Leftover[] = [{ kind: 'file', id: '/tmp/seep-tabc-1/tmpa1b2', detail: 'folder, 296.0 KB in 3 entries' }];
    const leaky = run(30, (k) => ({ tmpBytes: 300_000 * k, tmpEntries: 4 * k }), { left });
    const c = check(leaky, 'leak.disk')!;
    expect(c.pass).toBe(false);
    expect(c.message).toMatch(/the temp dir \/tmp\/seep-tabc-1 \+300\.0 KB\/iteration, \+4 entries\/iteration, no plateau; left after the run: 1 entry: \/tmp\/seep-tabc-1\/tmpa1b2 \(folder/);
    expect(c.leftovers).toEqual(left);
    expect(c.diskTrends?.[0]).toMatchObject({ kind: 'temp', leaks: true });
    const clean = run(30, () => ({ tmpBytes: 0, tmpEntries: 0 }));
    expect(check(clean, 'leak.disk')).toMatchObject({ pass: true, message: expect.stringMatching(/nothing on disk grew without a plateau .*left in the temp dir after the run: nothing/) });
  });

  it('fails a file that grows every step, with its rate and when the disk fills, and passes one that stops growing', () => {
    const history = run(40, (k) => ({ files: { 'data/history.sqlite': 8192 + 4900 * k } }), { free: 4900 * 3600 });
    const c = check(history, 'leak.disk')!;
    expect(c.pass).toBe(false);
    expect(c.message).toMatch(/data\/history\.sqlite \(open for writing\) \+4\.9 KB\/iteration, no plateau/);
    // 40 steps an hour apart at 1 s a step: 3600 steps an hour, 4.9 KB each; the free space is an hour's worth
    expect(c.message).toMatch(/at this rate the disk holding data\/history\.sqlite is full in /);
    expect(c.timeToLimit).toMatchObject({ per: 'hour', limitValue: 4900 * 3600 });
    expect(c.timeToLimit!.estimate).toBeCloseTo(1, 1);
    const pruned = run(40, (k) => ({ files: { 'data/history.sqlite': 8192 + 4096 * Math.min(k, 8) } }));
    expect(check(pruned, 'leak.disk')?.pass).toBe(true);
  });

  it('passes a cache folder that fills to its cap and stays, and fails one that gains a file per step', () => {
    const capped = run(40, (k) => ({ dirs: { cache: [4096 * Math.min(k + 5, 20), Math.min(k + 5, 20)] } }));
    expect(check(capped, 'leak.disk')?.pass).toBe(true);
    const unbounded = run(40, (k) => ({ dirs: { cache: [4096 * (k + 5), k + 5] } }));
    expect(check(unbounded, 'leak.disk')).toMatchObject({ pass: false, message: expect.stringMatching(/folder cache \+4\.1 KB\/iteration, \+1 entries\/iteration, no plateau/) });
  });

  it('a log the scenario allows is shown, not judged; a rotating one passes', () => {
    const growing = (k: number) => ({ files: { 'logs/app.log': 120 * k } });
    expect(check(run(40, growing), 'leak.disk')?.pass).toBe(false);
    const allowed = check(run(40, growing, { allowed: ['logs/app.log'] }), 'leak.disk')!;
    expect(allowed.pass).toBe(true);
    expect(allowed.message).toMatch(/allowed \(budgets\.disk\.allow\): logs\/app\.log \+120 B\/iteration/);
    const rotating = run(40, (k) => ({ files: { 'logs/app.log': 120 * (k % 8) } }));
    expect(check(rotating, 'leak.disk')?.pass).toBe(true);
  });

  it('a file under a files budget is shown, not judged by leak.disk, and said to be the budget\'s', () => {
    const growing = (k: number): Step => ({ files: { 'logs/app.log': 120 * k } });
    const r = run(40, growing, { allowed: ['logs/app.log'], budgets: { files: { './logs/': '1MB' } } });
    const c = check(r, 'leak.disk')!;
    expect(c.pass).toBe(true);
    expect(c.message).toMatch(/judged by their files budget: logs\/app\.log \+120 B\/iteration/);
    expect(c.message).not.toMatch(/budgets\.disk\.allow/);
    expect(check(r, 'budget.files:./logs/')).toBeDefined();
  });

  it('a file removed by the settle was not kept', () => {
    const r = run(30, (k): Step => ({ files: k === 30 ? {} : { 'spool/job.tmp': 1000 * k } }));
    expect(check(r, 'leak.disk')?.pass).toBe(true);
  });

  it('budget.disk replaces leak.disk and compares the growth of what is written and the temp dir', () => {
    const r = run(30, (k) => ({ files: { 'a.log': 1000 * k }, tmpBytes: 100 * k }), { budgets: { disk: '20KB' } });
    expect(check(r, 'leak.disk')).toBeUndefined();
    const b = check(r, 'budget.disk')!;
    expect(b.pass).toBe(false);
    expect(b.observed).toBe(29_000 + 2_900);
    expect(b.message).toMatch(/disk grew 31\.9 KB over 30 iterations \(files written 29\.0 KB, temp dir 2\.9 KB; budget 20\.0 KB\); growing: /);
    expect(check(run(30, () => ({ files: { 'a.log': 10 } }), { budgets: { disk: { growth: '20KB' } } }), 'budget.disk')?.pass).toBe(true);
  });
});

describe('step time', () => {
  it('is reported with its trend in every run, and fails only under a stepTime budget', () => {
    // 10 ms a step, 1 ms slower each step, with a busy machine's jitter
    const slowing = (k: number) => ({ stepMs: 10 + k + ((k * 7919) % 5) });
    const r = run(40, slowing);
    expect(r.headlines.stepTime?.trend.verdict).toBe('leak');
    expect(r.headlines.stepTime?.trend.slope).toBeCloseTo(1, 0);
    expect(r.checks.some((c) => c.id === 'budget.stepTime')).toBe(false);
    const budgeted = run(40, slowing, { budgets: { stepTime: '20ms/100 steps' } });
    const c = check(budgeted, 'budget.stepTime')!;
    expect(c.pass).toBe(false);
    expect(c.message).toMatch(/over the budget: \+1\d\d ms per 100 steps against 20\.0 ms per 100 steps/);
    const flat = run(40, (k) => ({ stepMs: 10 + ((k * 7919) % 5) }), { budgets: { stepTime: '20ms/100 steps' } });
    expect(check(flat, 'budget.stepTime')?.pass).toBe(true);
    expect(flat.headlines.stepTime?.trend.verdict).not.toBe('leak');
  });
});

describe('disk in seep compare and --baseline', () => {
  it('compares the slopes of what is written and of the temp dir, not the step time', () => {
    const at = (perStep: number) => (k: number) => ({ files: { 'data/history.sqlite': 8192 + perStep * k }, tmpEntries: 0, stepMs: 10 + k });
    const before = runFigures(run(40, at(1000)));
    const after = runFigures(run(40, at(2000)));
    expect(before.map((f) => f.key)).toEqual(expect.arrayContaining(['disk', 'tmpBytes', 'tmpEntries']));
    expect(before.some((f) => f.series === 'stepMs')).toBe(false);
    const disk = before.find((f) => f.key === 'disk')!;
    expect(disk).toMatchObject({ value: 1000, source: 'check', unit: 'B', per: 'iteration' });
    const compared = compareFigures(before, after, 0.1).figures.find((f) => f.key === 'disk')!;
    expect(compared.difference?.verdict).toBe('worse');
    expect(compareFigures(before, runFigures(run(40, at(1000))), 0.1).figures.find((f) => f.key === 'disk')!.difference?.verdict).toBe('same');
  });
});
