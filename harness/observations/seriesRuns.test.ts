// Series from Prometheus, judged as `seep judge --prometheus` and a scenario's evidence judge them:
// as the events of a soak's stream, through the run aggregate, per hour, with the soak's rules.
import { describe, expect, it } from 'vitest';
import type { ScrapedSeries } from '../probes/prometheusSeries.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import { createRunAggregate } from '../assembly/runAggregate.ts';
import { seriesRuns, type SeriesSource } from './seriesRuns.ts';

const MB = 1e6;
const MINUTE = 60_000;
const START = Date.parse('2026-06-01T00:00:00Z');
/** a day at one point a minute */
const POINTS = 24 * 60;
const SRC: SeriesSource = { prometheus: 'http://prom:9090', query: 'process_resident_memory_bytes{job="orders"}', metric: 'rss', stepMs: MINUTE, startMs: START, endMs: START + (POINTS - 1) * MINUTE };

/** a page or so of noise, none of it lasting */
const noise = (i: number) => ((i * 7919) % 13) * 8192;
function scraped(instance: string, value: (i: number) => number, more: Partial<ScrapedSeries> = {}): ScrapedSeries {
  return { labels: { __name__: 'process_resident_memory_bytes', instance, job: 'orders' }, points: Array.from({ length: POINTS }, (_, i) => ({ t: START + i * MINUTE, v: value(i) + noise(i) })), ...more };
}

function judgeAll(src: SeriesSource, series: ScrapedSeries[], budgets = planBudgets()) {
  return seriesRuns({ ...src, budgets }, series).map((r) => {
    const agg = createRunAggregate();
    // as a stream on disk: every event survives JSON
    for (const e of r.events) agg.add(JSON.parse(JSON.stringify(e)));
    return agg.report();
  });
}

describe('series from Prometheus judged per hour', () => {
  it('a replica growing 2 MB an hour fails leak.rss; a flat one and a cache that fills then holds pass', () => {
    const [leaky, flat, cache] = judgeAll(SRC, [
      scraped('a:8000', (i) => 200 * MB + (i / 60) * 2 * MB),
      scraped('b:8000', () => 200 * MB),
      scraped('c:8000', (i) => 200 * MB + Math.min(i, 300) * 0.2 * MB),
    ]);
    const rss = (s: typeof leaky) => s!.checks.find((c) => c.id === 'leak.rss')!;
    expect(leaky!.verdict).toBe('fail');
    expect(rss(leaky).trend).toMatchObject({ verdict: 'leak', per: 'hour', unit: 'B' });
    expect(rss(leaky).trend!.slope).toBeGreaterThan(1.8 * MB);
    expect(rss(leaky).trend!.slope).toBeLessThan(2.2 * MB);
    expect(rss(leaky).message).toMatch(/^memory grows 2\.\d MB per hour/);
    expect(flat!.verdict).toBe('pass');
    expect(cache!.verdict).toBe('pass');
    expect(rss(cache).trend!.verdict).toBe('bounded');
    // only the series' own checks: no steps, no processes, no output to judge
    expect(leaky!.checks.map((c) => c.id)).toEqual(['leak.rss']);
    expect(leaky!.name).toBe('process_resident_memory_bytes{instance="a:8000", job="orders"}');
    expect(leaky!.target.remote).toEqual({ prometheus: SRC.prometheus, query: SRC.query, metric: 'rss', labels: { __name__: 'process_resident_memory_bytes', instance: 'a:8000', job: 'orders' } });
  });

  it('a replica restarted part way is two lives, each judged, and says when it restarted', () => {
    const at = 800;
    const judged = judgeAll(SRC, [scraped('a:8000', (i) => (i < at ? 100 * MB + i * 0.05 * MB : 95 * MB + (i - at) * 0.05 * MB), {
      starts: Array.from({ length: POINTS }, (_, i) => ({ t: START + i * MINUTE, v: i < at ? 1000 : 2000 })),
    })]);
    expect(judged.map((s) => [s.target.remote?.life, s.verdict])).toEqual([[{ index: 1, of: 2, startedBy: 'range' }, 'fail'], [{ index: 2, of: 2, startedBy: 'start time' }, 'fail']]);
    expect(judged[1]!.name).toMatch(/ · life 2 of 2 \(from 2026-06-01T13:20:00Z\)$/);
    expect(judged[0]!.probeErrors).toEqual(['restarted 1 time in the range (its process start time changed, at 2026-06-01T13:20:00Z): each life is judged on its own']);
  });

  it('a limit gives each leaking series its time to limit, drawn on its chart', () => {
    const [s] = judgeAll(SRC, [scraped('a:8000', (i) => 200 * MB + (i / 60) * 10 * MB, { limit: { written: '512MB', value: 512 * MB, from: 'kube_pod_container_resource_limits' } })]);
    const c = s!.checks.find((x) => x.id === 'leak.rss')!;
    expect(c.limitLine).toBe(512 * MB);
    expect(c.timeToLimit).toMatchObject({ limit: '512MB', per: 'hour' });
    // 200 MB + 240 MB over the day: 72 MB of room at 10 MB an hour
    expect(c.timeToLimit!.estimate).toBeGreaterThan(6);
    expect(c.timeToLimit!.estimate).toBeLessThan(8);
    expect(c.message).toMatch(/reaches the 512MB limit \(kube_pod_container_resource_limits\) in 7(\.\d)? h/);
  });

  it('fds are a count, judged per hour against their own floor; a budget replaces the leak check, and budgets that need steps say so', () => {
    const src = { ...SRC, query: 'process_open_fds', metric: 'fds' as const };
    const fds = (i: number) => ({ t: START + i * MINUTE, v: 20 + Math.floor(i / 30) });
    const [s] = judgeAll(src, [{ labels: { instance: 'a:8000' }, points: Array.from({ length: POINTS }, (_, i) => fds(i)) }]);
    expect(s!.checks.find((c) => c.id === 'leak.fds')).toMatchObject({ pass: false, unit: 'fds/h', trend: { verdict: 'leak', unit: 'fds' } });
    const [b] = judgeAll(src, [{ labels: { instance: 'a:8000' }, points: Array.from({ length: POINTS }, (_, i) => fds(i)) }], planBudgets({ fds: 100, rssGrowth: '10MB' }));
    expect(b!.checks.map((c) => [c.id, c.pass, c.measured])).toEqual([['budget.rssGrowth', true, false], ['budget.fds', true, undefined]]);
    expect(b!.checks[0]!.message).toMatch(/no steps, baseline or settle: budget it per hour/);
  });

  it('too few points: a check that says so, not silence', () => {
    const [s] = judgeAll(SRC, [{ labels: { instance: 'a:8000' }, points: [{ t: START, v: MB }, { t: START + MINUTE, v: 2 * MB }] }]);
    expect(s!.checks).toEqual([expect.objectContaining({ id: 'leak.rss', kind: 'leak', pass: true, measured: false, message: 'not measured: 2 points in the range: too few to judge (at least 10)' })]);
  });

  it('notes a gap and a series gone stale before the range ends', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ t: START + (i < 50 ? i : i + 20) * MINUTE, v: 50 * MB }));
    const [s] = judgeAll({ ...SRC, endMs: START + 200 * MINUTE }, [{ labels: { instance: 'a:8000' }, points }]);
    expect(s!.probeErrors).toEqual([
      'no point from 2026-06-01T00:49:00Z to 2026-06-01T01:10:00Z (21 min): its target was down or not scraped, and Prometheus marked the series stale',
      "its last point is at 2026-06-01T01:59:00Z, 81 min before the range's end: the series went stale (its target gone, or no longer scraped)",
    ]);
  });
});
