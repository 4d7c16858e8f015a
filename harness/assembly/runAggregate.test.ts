import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRICS, type Sample } from '../report/sampleSchema.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import { createSampleStream, encodeSample, type StreamEvent } from '../series/sampleStream.ts';
import { encodeHead, type StreamTail } from '../observations/streamHead.ts';
import { createRunAggregate } from './runAggregate.ts';
import { rebuildStream } from './rebuildRun.ts';

const sample = (t: number, iteration: number, phase: Sample['phase'], rss: number): Sample => ({
  t, iteration, phase, tcp: {}, pids: [100],
  values: Object.fromEntries(METRICS.map((m) => [m, m === 'rss' ? rss : 0])) as Sample['values'],
});

const tail = (over: Partial<StreamTail> = {}): StreamTail => ({
  finishedAt: '2025-01-01T00:00:10.000Z', steps: { warmup: 1, measured: 4 }, orphans: [],
  newSinceBaseline: { processes: [], sockets: [], fds: [] }, fileSizes: {}, probeErrors: ['a probe failed'], ...over,
});

/** A counted run of a service whose RSS grows 10 MB a step, as the engine would stream it. */
function events(): StreamEvent[] {
  const head = encodeHead({
    name: 'grows', file: 'grows.scenario.ts', startedAt: '2025-01-01T00:00:00.000Z',
    target: { kind: 'service', command: ['./serve.sh'] }, budgets: planBudgets({ rssGrowth: '5MB' }), alerts: [],
    durationMs: 0, measure: { steps: 4 }, warmup: { steps: 1 }, sampleHz: 1,
  });
  const boundaries = [sample(1000, 1, 'warmup', 50e6), ...[1, 2, 3, 4].map((i) => sample(1000 + i * 1000, 1 + i, 'measured', 50e6 + i * 10e6)), sample(7000, 5, 'settle', 90e6)];
  return [
    { k: 'head', v: 1, head },
    { k: 'target', t: 10, command: ['node', 'server.js'], runtime: 'node' },
    ...boundaries.map((s, i) => encodeSample(s, 'b', i === 0)),
    { k: 'end', t: 8000, tail: tail() as unknown as Record<string, unknown> },
  ];
}

describe('the run aggregate: fold, judge, assembly', () => {
  it('builds the report from events alone: the target as started, what the verdict kept, problems told after the end', () => {
    const agg = createRunAggregate();
    for (const e of events()) agg.add(e);
    expect(agg.verdict()).toBe('fail');
    agg.add({ k: 'artifacts', t: 8001, files: ['snapshots/grows/1.heapsnapshot'] });
    agg.add({ k: 'lateErrors', t: 8001, errors: ['a look failed', 'a probe failed'] });
    const r = agg.report();
    expect(r.verdict).toBe('fail');
    expect(r.checks.find((c) => c.id === 'budget.rssGrowth')?.pass).toBe(false);
    expect(r.target).toEqual({ kind: 'service', command: ['node', 'server.js'], runtime: 'node' });
    expect(r.artifacts).toEqual(['snapshots/grows/1.heapsnapshot']);
    // listed last, once
    expect(r.probeErrors).toEqual(['a probe failed', 'a look failed']);
  });

  it('names an attached service as the target events resolved it, over what the head took from the plan, each later event adding to the earlier', () => {
    const agg = createRunAggregate();
    const [head, , ...rest] = events();
    const planned = { ...(head as Extract<StreamEvent, { k: 'head' }>).head, target: { kind: 'service', attached: { pid: null, pidFile: 'run/app.pid', url: null, agent: 'not injected (attached process)' } } };
    agg.add({ k: 'head', v: 1, head: planned });
    const found = { pid: 4242, pidFile: 'run/app.pid', url: 'http://127.0.0.1:8123', agent: 'not injected (attached process)' as const, cgroup: '/sys/fs/cgroup/app' };
    agg.add({ k: 'target', t: 5, command: ['python3', 'app.py'], attached: found });
    agg.add({ k: 'target', t: 10, command: ['python3', 'app.py'], runtime: 'python' });
    for (const e of rest) agg.add(e);
    expect(agg.report().target).toEqual({ kind: 'service', command: ['python3', 'app.py'], runtime: 'python', attached: found });
  });

  it('judges a run seep did not finish as cut short when its measured checks already fail', () => {
    const agg = createRunAggregate();
    for (const e of events().filter((e) => e.k !== 'end')) agg.add(e);
    const r = agg.report({ source: 'grows.samples.ndjson' });
    expect(r.verdict).toBe('fail');
    expect(r.error).toBeUndefined();
    expect(r.cutShort).toMatch(/^cut short \(after 4 of 4 measured steps\); report rebuilt from grows\.samples\.ndjson$/);
    expect(agg.report({ live: true }).cutShort).toBeUndefined();
  });

  it('gives the report a rebuild from the stream gives', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seep-agg-'));
    try {
      const all: StreamEvent[] = [...events(), { k: 'artifacts', t: 8001, files: ['snapshots/grows/1.heapsnapshot'] }, { k: 'lateErrors', t: 8001, errors: ['a look failed'] }];
      const stream = createSampleStream(path.join(dir, 'grows.samples.ndjson'));
      const agg = createRunAggregate();
      for (const e of all) {
        stream.write(e);
        agg.add(e);
      }
      stream.close();
      const rebuilt = await rebuildStream(stream.file, 'grows.samples.ndjson');
      expect(rebuilt.finished).toBe(true);
      expect(rebuilt.scenario).toEqual(agg.report({ source: 'grows.samples.ndjson' }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
