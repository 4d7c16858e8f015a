// A soak's checkpoints and its load's latency split, folded from stream events into the report.
import { describe, expect, it } from 'vitest';
import { planBudgets } from '../scenario/runPlan.ts';
import { encodeSample } from '../series/sampleStream.ts';
import { METRICS, type Phase, type Sample } from '../report/sampleSchema.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead } from './streamHead.ts';

const HOUR = 3_600_000;

function sample(t: number, phase: Phase, iteration: number | null): Sample {
  return { t, iteration, phase, values: Object.fromEntries(METRICS.map((m) => [m, m === 'rss' ? 1e8 : null])) as Sample['values'], tcp: {}, pids: [10] };
}

describe('a soak\'s observer share and latency split', () => {
  it('counts the measured phase\'s checkpoints per hour and what they added to p99', () => {
    const agg = createRunAggregate();
    agg.add({ k: 'head', v: 1, head: encodeHead({ name: 'x', file: 'x.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'service' }, budgets: planBudgets(), alerts: [], durationMs: HOUR, measure: { ms: HOUR }, warmup: { ms: 0 }, sampleHz: 1 }) });
    const figures = (p99: number, requests: number) => ({ requests, p50: 2, p90: 5, p99, max: p99 + 10 });
    // the baseline's checkpoint (warmup) is not the measured phase's
    agg.add(encodeSample(sample(0, 'warmup', 0), 'b', true));
    agg.add({ k: 'pause', t: 0, ms: 500, gc: 400 });
    // an hour measured: 10 checkpoints of 120 ms, 100 of it the forced GC
    for (let i = 1; i <= 10; i++) {
      agg.add(encodeSample(sample((i * HOUR) / 10, 'measured', i), 'b', false));
      agg.add({ k: 'pause', t: (i * HOUR) / 10, ms: 120, gc: 100 });
      agg.add({ k: 'load', t: (i * HOUR) / 10, n: 100, e: 0, p50: 2, p99: 40, c: figures(8, 90), m: { all: figures(40, i * 100), clean: figures(8, i * 90) } });
    }
    // the settle's checkpoint is not either
    agg.add(encodeSample(sample(HOUR + 1000, 'settle', 11), 'b', false));
    agg.add({ k: 'pause', t: HOUR + 1000, ms: 900, gc: 800 });
    const r = agg.report();
    expect(r.latency).toEqual({ all: figures(40, 1000), clean: figures(8, 900), checkpoints: 10, checkpointMs: 1200, gcMs: 1000 });
    // the measured samples span 0.9 h (the first at 0.1 h)
    expect(r.observerCost!.perHourMs).toBeCloseTo(1200 / 0.9, 2);
    expect(r.observerCost!.addedP99Ms).toBe(32);
    expect(r.series.load!.latencyP99Clean).toEqual(Array(10).fill(8));
  });

  it('says nothing of it for a soak whose checkpoints were not recorded (an old stream)', () => {
    const agg = createRunAggregate();
    agg.add({ k: 'head', v: 1, head: encodeHead({ name: 'x', file: 'x.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'service' }, budgets: planBudgets(), alerts: [], durationMs: HOUR, measure: { ms: HOUR }, warmup: { ms: 0 }, sampleHz: 1 }) });
    agg.add(encodeSample(sample(1000, 'measured', 1), 'b', true));
    agg.add({ k: 'load', t: 1000, n: 100, e: 0, p50: 2, p99: 40 });
    const r = agg.report();
    expect(r.latency).toBeUndefined();
    expect(r.observerCost).toBeUndefined();
    expect(r.series.load!.latencyP99Clean).toBeUndefined();
  });
});
