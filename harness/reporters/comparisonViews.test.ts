// The comparison's two views, drawn from a comparison of synthetic reports: the terminal table and
// the page. They show what the comparison says (figures, verdicts, checks side by side) and nothing
// from a report reaches the page as markup.
import { describe, expect, it } from 'vitest';
import { syntheticComparison as comparison, unrelatedComparison } from '../../fixtures/testing/syntheticComparison.ts';
import { comparisonLines } from './terminal/comparisonTable.ts';
import { renderComparisonPage } from './html/comparisonPage.ts';

describe('comparison views', () => {
  it('the terminal table gives each figure before, after and the difference, and lists flat ones in a line', () => {
    const lines = comparisonLines(comparison(), { color: false });
    const text = lines.join('\n');
    expect(text).not.toMatch(/\u001b/);
    expect(text).toMatch(/RSS slope\s+\+1\.9 MB\/iteration \[1\.9 MB, 2\.1 MB\] leak\s+\+3\.8 MB\/iteration \[3\.8 MB, 4\.2 MB\] leak\s+\+1\.9 MB\/iteration \[1\.6 MB, 2\.3 MB\] significant, worse \(tolerance 187\.5 KB\)/);
    expect(text).toMatch(/flat in both runs: .*threads slope/);
    expect(text).toContain('worse: rss');
    expect(text).toContain('after is worse in 1 scenario(s)');
  });

  it('says why runs cannot be compared instead of a table', () => {
    const text = comparisonLines(unrelatedComparison(), { color: false }).join('\n');
    expect(text).toContain('cannot compare:');
    expect(text).toContain("only in before (a): 'cache stays bounded'");
    expect(text).not.toContain('figure');
  });

  it('the page carries both series on one chart per compared series, escaped names, and the verdict per figure', async () => {
    const html = await renderComparisonPage(comparison());
    expect(html).toContain('data-exit-code="1"');
    expect(html).toContain('session map leaks &lt;b&gt;');
    expect(html).not.toContain('session map leaks <b>');
    expect(html).toMatch(/<tr data-figure="rss" data-verdict="worse">/);
    const data = JSON.parse(/<script type="application\/json" id="seep-data">(.*?)<\/script>/s.exec(html)![1]!) as { charts: { id: string; series: { label: string }[] }[] };
    const rss = data.charts.find((c) => c.id === 'c1-rss')!;
    expect(rss.series.map((s) => s.label)).toEqual(['before rss', 'after rss']);
    for (const c of data.charts) expect(html).toContain(`data-chart-id="${c.id}"`);
  });
});
