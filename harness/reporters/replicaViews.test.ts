// A deployed service's replicas in every view: each judged series (a life of a restarted replica
// apart) after the scenario that drove them, as a table row in the terminal, a testcase in JUnit, a
// row in Markdown. The replicas are judged here by the code that judges them in a run.
import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import type { ScrapedSeries } from '../probes/prometheusSeries.ts';
import { seriesRuns } from '../observations/seriesRuns.ts';
import { judgeSeriesRuns } from '../runner/prometheusEvidence.ts';
import type { Report } from '../report/runReportSchema.ts';
import { renderJunit } from './junitReporter.ts';
import { renderMarkdown } from './markdownReporter.ts';
import { seriesTable } from './terminal/seriesTable.ts';
import { makeStyle } from './terminal/style.ts';

const MB = 1e6;
const START = Date.parse('2026-06-01T00:00:00Z');
const MINUTE = 60_000;

function replica(instance: string, perHour: number, restartAt?: number): ScrapedSeries {
  const points = Array.from({ length: 240 }, (_, i) => ({ t: START + i * MINUTE, v: 100 * MB + ((restartAt !== undefined && i >= restartAt ? i - restartAt : i) / 60) * perHour + (i % 5) * 8192 }));
  const starts = points.map((p, i) => ({ t: p.t, v: restartAt !== undefined && i >= restartAt ? 2000 : 1000 }));
  return { labels: { __name__: 'process_resident_memory_bytes', instance, job: 'orders' }, points, starts };
}

function withReplicas(): Report {
  const report = syntheticReport({ verdicts: ['pass'] });
  const runs = seriesRuns(
    { prometheus: 'http://prom:9090', query: 'process_resident_memory_bytes{job="orders"}', metric: 'rss', stepMs: MINUTE, startMs: START, endMs: START + 239 * MINUTE, scenario: { name: 'orders', file: 'scenarios/orders.scenario.mjs' } },
    [replica('10.0.0.1:8000', 0), replica('10.0.0.2:8000', 20 * MB, 120)],
  );
  report.scenarios[0]!.replicas = judgeSeriesRuns(runs);
  return report;
}

describe('the replicas of a deployed service in the views', () => {
  it('the terminal table: one row per series and life, the shared labels said once, the failing checks after', () => {
    const lines = seriesTable(withReplicas().scenarios[0]!.replicas!, makeStyle(false));
    expect(lines[0]).toBe('  every series: process_resident_memory_bytes{job="orders"}');
    expect(lines.slice(2, 5).map((l) => l.replace(/\s+/g, ' ').trim().split(' ').slice(0, 6).join(' '))).toEqual([
      '✔ PASS instance="10.0.0.1:8000" bounded 0 B/hour',
      '✘ FAIL instance="10.0.0.2:8000" life 1/2 leak',
      '✘ FAIL instance="10.0.0.2:8000" life 2/2 leak',
    ]);
    expect(lines.join('\n')).toMatch(/instance="10\.0\.0\.2:8000" life 2\/2:\n\s+✘ leak\.rss .*memory grows 20\.\d MB per hour/);
  });

  it('JUnit: a testcase per replica after the scenario, failures counted over them', () => {
    const xml = renderJunit(withReplicas());
    expect(xml).toMatch(/<testsuites name="seep" tests="4" failures="2" errors="0"/);
    expect([...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1])).toEqual([
      expect.any(String),
      'orders · process_resident_memory_bytes{instance=&quot;10.0.0.1:8000&quot;, job=&quot;orders&quot;}',
      'orders · process_resident_memory_bytes{instance=&quot;10.0.0.2:8000&quot;, job=&quot;orders&quot;} · life 1 of 2 (from 2026-06-01T00:00:00Z)',
      'orders · process_resident_memory_bytes{instance=&quot;10.0.0.2:8000&quot;, job=&quot;orders&quot;} · life 2 of 2 (from 2026-06-01T02:00:00Z)',
    ]);
  });

  it('Markdown: a row per replica, and the failing ones in words', () => {
    const md = renderMarkdown(withReplicas());
    expect(md.split('\n').filter((l) => l.startsWith('| orders · '))).toHaveLength(3);
    expect(md).toContain('life 2 of 2 (from 2026-06-01T02:00:00Z)** (fail)');
  });
});
