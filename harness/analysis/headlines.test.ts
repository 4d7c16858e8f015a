// The summaries' RSS growth is the figure the analysis measured: the one budget.rssGrowth compares
// (median of the last three measured boundaries minus the post-warmup baseline), never a
// last-minus-first of the series, whether or not the scenario sets that budget.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { METRICS, type Metric, type Phase } from '../report/sampleSchema.ts';
import type { Report, ScenarioReport } from '../report/runReportSchema.ts';
import { renderMarkdown } from '../reporters/markdownReporter.ts';
import { printSummary } from '../reporters/terminal/summary.ts';
import { formatSigned } from '../reporters/formatValue.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { runOutcome } from './verdict.ts';
import { planBudgets } from '../scenario/runPlan.ts';
import { buildChecks } from './buildChecks.ts';
import { headlines } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';

const MB = 1e6;
// warmup 0-2 (baseline 50 MB), then measured; the last boundary spikes, so last - first (49 MB)
// and median of the last three - baseline (+3 MB) disagree
const RSS = [40, 45, 50, 51, 50, 52, 51, 53, 52, 51, 53, 52, 99].map((v) => v * MB);

function observations(): Observations {
  const rec = createSeriesRecorder();
  RSS.forEach((rss, i) => {
    const values = Object.fromEntries(METRICS.map((m) => [m, 0])) as Record<Metric, number | null>;
    values.rss = rss;
    const phase: Phase = i < 3 ? 'warmup' : 'measured';
    rec.boundary({ t: i * 100, iteration: i, phase, values, tcp: {}, pids: [1] });
  });
  return {
    targetKind: 'service', series: rec.build(), baselineIndex: 2, measured: { from: 3, to: RSS.length - 1 }, settle: null,
    measuredIterations: RSS.length - 3, orphans: [], newSinceBaseline: { processes: [], sockets: [], fds: [] }, fileSizes: {},
    output: { tail: [], totalLines: 0, forbidCounts: {}, forbidExamples: {} }, measuredHours: 0.001,
  };
}

function report(obs: Observations): Report {
  const checks = buildChecks(obs);
  const scenario: ScenarioReport = {
    name: 'spiky', file: 'spiky.scenario.ts', verdict: 'pass', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:00:01Z', durationMs: 1000,
    target: { kind: 'service' }, iterations: { warmup: 3, measured: RSS.length - 3 }, checks, headlines: headlines(obs),
    series: obs.series, suspects: [], output: obs.output,
  };
  return {
    schemaVersion: 2, seepVersion: 'test', runId: 'r', startedAt: scenario.startedAt, finishedAt: scenario.finishedAt,
    host: { hostname: 'h', platform: 'linux', arch: 'x64', cpus: 1, totalMemBytes: 1, node: 'v20' }, ...runOutcome([scenario]), scenarios: [scenario],
  };
}

describe('headline RSS growth', () => {
  const obs = observations();
  const budgeted = buildChecks(obs, planBudgets({ rssGrowth: '100MB' })).find((c) => c.id === 'budget.rssGrowth')!;
  const firstToLast = RSS.at(-1)! - RSS[3]!;

  it('is the rssGrowth check figure, which differs from last minus first here', () => {
    expect(budgeted.observed).toBe(3 * MB);
    expect(firstToLast).not.toBe(budgeted.observed);
    expect(headlines(obs).rssGrowth).toEqual({ growth: budgeted.observed, baseline: 50 * MB });
  });

  it('is what the Markdown and terminal summaries print, with no rssGrowth budget set', () => {
    const r = report(obs);
    expect(r.scenarios[0]!.checks.map((c) => c.id)).not.toContain('budget.rssGrowth');
    const shown = formatSigned(budgeted.observed, 'B');
    expect(renderMarkdown(r)).toContain(`| ${shown} |`);
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    printSummary(r, out, { color: false });
    expect(text).toContain(`rss ${shown}`);
    expect(text).not.toContain(formatSigned(firstToLast, 'B'));
  });
});
