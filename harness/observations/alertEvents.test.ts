// Alerts in the soak report: every crossing is an event in the stream, the report keeps the first
// and the latest, and a report rebuilt from the stream after a crash lists the same alerts.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { METRICS, type Metric, type Sample } from '../report/sampleSchema.ts';
import type { AlertEvent } from '../report/runReportSchema.ts';
import { createSampleStream, encodeSample, type StreamEvent } from '../series/sampleStream.ts';
import { createAlertEvents, KEEP_ALERTS } from './alertEvents.ts';
import { createAlertWatch } from '../analysis/alerts.ts';
import { planAlerts, planBudgets } from '../scenario/runPlan.ts';
import { rebuildStream } from '../assembly/rebuildRun.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { encodeHead } from './streamHead.ts';

function event(i: number): AlertEvent {
  return { t: i, level: i % 3 ? 'warning' : 'critical', resource: 'rss', message: `#${i}` };
}

describe('alertEvents', () => {
  it('keeps everything while there are few', () => {
    const kept = createAlertEvents(3);
    for (let i = 0; i < 5; i++) kept.add(event(i));
    expect(kept.list().map((e) => e.t)).toEqual([0, 1, 2, 3, 4]);
    expect(kept.dropped()).toBe(0);
  });

  it('keeps the first and the latest, in order, and counts the ones between', () => {
    const kept = createAlertEvents(3);
    for (let i = 0; i < 1000; i++) kept.add(event(i));
    expect(kept.list().map((e) => e.t)).toEqual([0, 1, 2, 997, 998, 999]);
    expect(kept.total()).toBe(1000);
    expect(kept.dropped()).toBe(994);
    expect(() => createAlertEvents(0)).toThrow(RangeError);
  });
});

describe('alerts in the soak report', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function sample(t: number, rss: number): Sample {
    const values = Object.fromEntries(METRICS.map((m) => [m, null])) as Record<Metric, number | null>;
    values.rss = rss;
    return { t, iteration: null, phase: t < 10_000 ? 'warmup' : 'measured', values, tcp: {}, pids: [4242] };
  }

  it('records every crossing, bounded, and a report rebuilt from the stream lists the same alerts', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'seep-alerts-'));
    const stream = createSampleStream(path.join(dir, 'flapping.samples.ndjson'));
    const live = createRunAggregate();
    const emit = (e: StreamEvent) => {
      stream.write(e);
      live.add(e);
    };
    const spec = { rss: { warning: '400MB', critical: '500MB' } };
    emit({ k: 'head', v: 1, head: encodeHead({ name: 'flapping', file: 'flapping.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'service' }, budgets: planBudgets(), alerts: planAlerts(spec), durationMs: 600_000, warmup: { ms: 10_000 }, sampleHz: 1 }) });
    // what runSoak does per sample: a watch that reports every crossing, each one an alert event
    const watch = createAlertWatch(planAlerts(spec), Infinity);
    let crossings = 0;
    for (let i = 0; i < 300; i++) {
      // below 380 MB, then over the warning (and every fifth time over the critical too)
      const rss = i % 2 === 0 ? 300e6 : i % 10 === 1 ? 510e6 : 420e6;
      const s = sample(i * 1000, rss);
      emit(encodeSample(s, 't', i === 0));
      for (const a of watch.observe(s.t, rss)) {
        crossings++;
        emit({ k: 'alert', t: a.t, level: a.level, message: a.message });
      }
    }
    stream.close(); // no tail: as if seep had been killed

    const liveReport = live.report({ live: true });
    expect(crossings).toBe(150 + 30); // more than the watch's default cap of 50 per level
    expect(liveReport.alerts).toHaveLength(2 * KEEP_ALERTS);
    expect(liveReport.alerts![0]).toEqual({ t: 1000, level: 'warning', resource: 'rss', message: 'RSS 510.0 MB crossed the warning threshold 400.0 MB' });
    expect(liveReport.alerts![1]).toMatchObject({ t: 1000, level: 'critical' });
    expect(liveReport.alerts!.at(-1)!.t).toBe(299_000);
    const ts = liveReport.alerts!.map((a) => a.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(liveReport.notes).toContain(`${crossings - 2 * KEEP_ALERTS} of ${crossings} alerts (150 warning, 30 critical) are not listed: the report keeps the first ${KEEP_ALERTS} and the latest ${KEEP_ALERTS}`);
    const critical = liveReport.checks.find((c) => c.id === 'alert.rss.critical')!;
    expect(critical.pass).toBe(false);
    expect(critical.message).toMatch(/30 time\(s\), first at 1s/);

    const rebuilt = await rebuildStream(stream.file);
    expect(rebuilt.finished).toBe(false);
    expect(rebuilt.scenario.alerts).toEqual(liveReport.alerts);
    expect(rebuilt.scenario.notes).toEqual(expect.arrayContaining(liveReport.notes!));
    expect(rebuilt.scenario.checks.find((c) => c.id === 'alert.rss.critical')).toEqual(critical);
  });

  it('leaves the field out when no threshold was crossed', () => {
    const agg = createRunAggregate();
    agg.add({ k: 'head', v: 1, head: encodeHead({ name: 'calm', file: 'calm.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z', target: { kind: 'cli' }, budgets: planBudgets(), alerts: planAlerts({ rss: { warning: '1GB' } }), durationMs: 1000, warmup: { steps: 1 }, sampleHz: 1 }) });
    agg.add(encodeSample(sample(0, 1e6), 't', true));
    const r = agg.report({ live: true });
    expect(r.alerts).toBeUndefined();
    expect(r.notes ?? []).not.toContainEqual(expect.stringMatching(/alerts/));
  });
});
