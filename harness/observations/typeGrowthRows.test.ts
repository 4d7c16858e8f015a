// The per-type growth reads on the stream and back: bounded, from the last baseline on, and the same
// series and leak.types check in a report rebuilt from the stream as in the live one.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSampleStream, type StreamEvent, type TypeGrowthLine } from '../series/sampleStream.ts';
import { planAlerts, planBudgets } from '../scenario/runPlan.ts';
import { rebuildStream } from '../assembly/rebuildRun.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead } from './streamHead.ts';
import { createTypeGrowthRows, MAX_NAMES } from './typeGrowthRows.ts';

const line = (i: number, p: TypeGrowthLine['p'], c: Record<string, number>): TypeGrowthLine => ({ k: 'types', t: i * 10, i, p, r: 'python', c, ms: 2 });

describe('typeGrowthRows', () => {
  it('starts at the last warmup read, fills the reads before a name was first seen with null', () => {
    const rows = createTypeGrowthRows();
    expect(rows.build()).toBeUndefined();
    rows.add(line(5, 'm', { 'a.Early': 1 })); // before any baseline: ignored
    rows.add(line(1, 'w', {}));
    rows.add(line(2, 'w', {})); // a later warmup read is the baseline
    rows.add(line(3, 'm', { 'a.Job': 3 }));
    rows.add(line(4, 'm', { 'a.Job': 4, 'a.Late': 5 }));
    rows.add(line(4, 's', { 'a.Job': 4, 'a.Late': 5 }));
    expect(rows.build()).toEqual({
      runtime: 'python', kind: 'type', unit: 'objects', iteration: [2, 3, 4, 4], phase: ['warmup', 'measured', 'measured', 'settle'], readMs: 2,
      series: [{ name: 'a.Job', values: [0, 3, 4, 4] }, { name: 'a.Late', values: [0, null, 5, 5] }],
    });
  });

  it("carries a Node site's bytes given back by its last read, none for a site that gave nothing back, and a new baseline starts over", () => {
    const node = (i: number, p: TypeGrowthLine['p'], c: Record<string, number>, g?: Record<string, number>): TypeGrowthLine => ({ ...line(i, p, c), r: 'node', ...(g ? { g } : {}) });
    const rows = createTypeGrowthRows();
    rows.add(node(0, 'w', {}));
    rows.add(node(1, 'm', { 'cache app.mjs:9': 2048, 'keep app.mjs:3': 1024 }, { 'cache app.mjs:9': 99 }));
    rows.add(node(2, 'w', {}));
    rows.add(node(3, 'm', { 'cache app.mjs:9': 2048, 'keep app.mjs:3': 1024 }, { 'cache app.mjs:9': 1024 }));
    rows.add(node(4, 'm', { 'cache app.mjs:9': 3072, 'keep app.mjs:3': 2048 }, { 'cache app.mjs:9': 2048 }));
    rows.add(node(4, 's', { 'cache app.mjs:9': 3072, 'keep app.mjs:3': 2048 }, { 'cache app.mjs:9': 2048 }));
    expect(rows.build()!.series).toEqual([
      { name: 'cache app.mjs:9', values: [0, 2048, 3072, 3072], givenBack: 2048 },
      { name: 'keep app.mjs:3', values: [0, 1024, 2048, 2048] },
    ]);
  });

  it("carries the bytes a Node site's live sample stood for at its last read with samples, none for a site read without", () => {
    const rows = createTypeGrowthRows();
    const node = (i: number, p: TypeGrowthLine['p'], c: Record<string, number>, n?: Record<string, number>): TypeGrowthLine => ({ ...line(i, p, c), r: 'node', ...(n ? { n } : {}) });
    rows.add(node(0, 'w', {}));
    rows.add(node(1, 'm', { 'render app.mjs:25': 3000, 'keep app.mjs:3': 1024 }, { 'render app.mjs:25': 2 }));
    rows.add(node(2, 'm', { 'render app.mjs:25': 4400 }, { 'render app.mjs:25': 3 }));
    rows.add(node(2, 's', { 'render app.mjs:25': 4400 }));
    expect(rows.build()!.series).toEqual([
      { name: 'render app.mjs:25', values: [0, 3000, 4400, 4400], sampleBytes: 1467 },
      { name: 'keep app.mjs:3', values: [0, 1024, null, null] },
    ]);
  });

  it(`follows at most ${MAX_NAMES} names, and past maxRows drops every other measured read, keeping the baseline, the last measured and the settle`, () => {
    const rows = createTypeGrowthRows({ maxRows: 16 });
    rows.add(line(0, 'w', {}));
    for (let i = 1; i <= 40; i++) rows.add(line(i, 'm', Object.fromEntries(Array.from({ length: MAX_NAMES + 5 }, (_, k) => [`t${k}`, i]))));
    rows.add(line(40, 's', { t0: 40 }));
    const g = rows.build()!;
    expect(g.series).toHaveLength(MAX_NAMES);
    expect(g.iteration.length).toBeLessThanOrEqual(17);
    expect(g.phase[0]).toBe('warmup');
    expect(g.phase.at(-1)).toBe('settle');
    expect(g.iteration.at(-2)).toBe(40);
    expect(g.series[0]!.values.at(-1)).toBe(40);
    expect(g.series[1]!.values.at(-1)).toBeNull();
  });
});

describe('per-type growth in the report', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the live report and one rebuilt from the stream carry the same series and leak.types', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seep-types-'));
    const stream = createSampleStream(path.join(dir, 'types.samples.ndjson'));
    const live = createRunAggregate();
    const emit = (e: StreamEvent) => {
      stream.write(e);
      live.add(e);
    };
    emit({ k: 'head', v: 1, head: encodeHead({ name: 'types', file: 'types.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'module', runtime: 'python' }, budgets: planBudgets(), alerts: planAlerts(undefined), durationMs: 0, measure: { steps: 30 }, warmup: { steps: 3 }, sampleHz: 1 }) });
    emit(line(3, 'w', {}));
    for (let i = 1; i <= 30; i++) emit(line(3 + i, 'm', { 'jobs.Job': i }));
    emit(line(33, 's', { 'jobs.Job': 30 }));
    stream.close();
    const report = live.report({ live: true });
    expect(report.typeGrowth?.series).toEqual([{ name: 'jobs.Job', values: [0, ...Array.from({ length: 30 }, (_, k) => k + 1), 30] }]);
    const check = report.checks.find((c) => c.id === 'leak.types')!;
    expect(check).toMatchObject({ pass: false, observed: 1 });
    expect(check.message).toMatch(/jobs\.Job \+1\.0\/step/);
    const rebuilt = await rebuildStream(stream.file);
    expect(rebuilt.scenario.typeGrowth).toEqual(report.typeGrowth);
    expect(rebuilt.scenario.checks.find((c) => c.id === 'leak.types')).toEqual(check);
  });
});
