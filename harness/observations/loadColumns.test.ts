import { planBudgets } from '../scenario/runPlan.ts';
import { describe, expect, it } from 'vitest';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead } from './streamHead.ts';

describe('load columns of a long soak', () => {
  it('keep the length of one interval, so rates stay right after rows are merged', () => {
    const agg = createRunAggregate({ maxLoadPoints: 64 });
    agg.add({ k: 'head', v: 1, head: encodeHead({ name: 'x', file: 'x.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'service' }, budgets: planBudgets(), alerts: [], durationMs: 3_600_000, warmup: { ms: 0 }, sampleHz: 1 }) });
    // 10,000 intervals of 5 s with 100 requests each: 20 requests per second throughout
    for (let i = 1; i <= 10_000; i++) agg.add({ k: 'load', t: i * 5000, n: 100, e: 0, p50: 3, p99: 9 });
    const load = agg.report().series.load!;
    expect(load.t.length).toBeLessThanOrEqual(64);
    expect(load.intervalMs).toBe(5000);
    // merged rows keep the mean count per interval, while their spacing has grown far past 5 s
    expect(load.requests.every((n) => n === 100)).toBe(true);
    expect(load.t[1]! - load.t[0]!).toBeGreaterThanOrEqual(5000 * 16);
  });
});
