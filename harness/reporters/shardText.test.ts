import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import type { Report } from '../report/runReportSchema.ts';
import { renderRunPage } from './html/runPage.ts';
import { renderMarkdown } from './markdownReporter.ts';
import { shardText } from './shardText.ts';

const base = syntheticReport({ iterations: 5, timedPoints: 10 });

describe('the shard line of every view', () => {
  it('says which slice a shard ran, and how it was balanced', async () => {
    const report: Report = { ...base, shard: { index: 2, count: 4, scenarios: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], setHash: 'h', balancedBy: { kind: 'durations', runId: 'r0' } } };
    const text = `shard 2 of 4: ${base.scenarios.length} of 7 scenarios, balanced by the durations of run r0`;
    expect(shardText(report)).toBe(text);
    expect(renderMarkdown(report)).toContain(text);
    expect(await renderRunPage(report)).toContain(`<p class="meta">${text}</p>`);
  });

  it('names the shards a merged run was joined from, escaped on the page', async () => {
    const part = (index: number, hostname: string) => ({ index, runId: `r${index}`, startedAt: '2026-12-01T10:00:00.000Z', finishedAt: '2026-12-01T10:00:12.500Z', hostname, scenarios: index });
    const report: Report = { ...base, mergedFrom: [part(1, 'runner-a'), part(2, '<b>x</b>')] };
    expect(shardText(report)).toBe('joined from 2 shards (1: run r1 on runner-a, 1 scenario in 12.5 s; 2: run r2 on <b>x</b>, 2 scenarios in 12.5 s)');
    const page = await renderRunPage(report);
    expect(page).toContain('on &lt;b&gt;x&lt;/b&gt;');
    expect(page).not.toContain('<b>x</b>');
    expect(renderMarkdown(report)).toContain('joined from 2 shards');
  });

  it('is absent from a run that was neither', async () => {
    expect(shardText(base)).toBeNull();
    expect(await renderRunPage(base)).not.toMatch(/shard/);
  });
});
