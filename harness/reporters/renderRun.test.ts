import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mdCell, renderMarkdown } from './markdownReporter.ts';
import { renderRun } from './renderRun.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seep-reports-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function storeRun(runId: string, startedAt: string, verdicts?: ('pass' | 'fail' | 'error')[]): Promise<string> {
  const report = syntheticReport({ runId, startedAt, verdicts });
  const dir = path.join(root, runId);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'report.json'), JSON.stringify(report));
  return dir;
}

describe('renderMarkdown', () => {
  it('has a summary row per scenario with verdict, worst check, RSS growth and slope', () => {
    const md = renderMarkdown(syntheticReport());
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Scenario') && !l.startsWith('| ---'));
    expect(rows).toEqual([
      // a pass by the check nearest its limit: the sockets are back at their baseline, the RSS used 8% of its budget
      '| cache stays bounded | ✅ pass | budget.rssGrowth: 4.2 MB (limit 50MB) | +4.2 MB | +1.2 KB/iteration (bounded) |',
      expect.stringMatching(/^\| session map leaks &lt;b&gt; \| ❌ fail \| leak.sockets: 46 sockets \(limit baseline\) \| \+110\.7 MB \| \+1\.\d MB\/iteration \(leak\) \|$/),
      '| worker never ready | ⚠️ error | could not run (the cause is below) | — | — |',
    ]);
    // the cause once, below the table, as the target wrote it
    expect(md.match(/service did not become ready/g)).toHaveLength(1);
    expect(md).toMatch(/- error:\n\n {2}```text\n {2}service did not become ready.*<timeout>\n {2}```/);
    expect(md).toContain('- `budget.rssGrowth`: RSS grew 110.7 MB over 60 iterations, budget 50MB');
    expect(md).not.toContain('Latency p99'); // no scenario ran under load
    expect(md).not.toMatch(/restart|alerts:/);
  });

  it('adds a p99 latency column when a scenario ran under load, and a line for its restarts and alerts', () => {
    const md = renderMarkdown(syntheticReport({ soak: true }));
    expect(md).toContain('| Scenario | Verdict | Worst check | RSS growth | Slope | Latency p99 |\n| --- | --- | --- | --- | --- | --- |');
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Scenario') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(4);
    for (const r of rows.slice(0, 3)) expect(r.endsWith(' | — |'), r).toBe(true);
    expect(rows[3]).toMatch(/^\| checkout soak &lt;i&gt; \| ❌ fail \| budget\.rssSlope: 36\.7 MB\/h \(limit 10MB\/h\) \| .* \| 176 ms ≤ 1s \(worst interval 1,850 ms\) \|$/);
    expect(md).toContain('- **checkout soak &lt;i&gt;**: 1 restart · alerts: 2 warning, 1 critical; last at 5h 24m: RSS 500.3 MB crossed the critical threshold 500.0 MB');
  });

  it('keeps target text from breaking the table or adding HTML', () => {
    expect(mdCell('a|b\n<script>x</script>')).toBe('a\\|b &lt;script&gt;x&lt;/script&gt;');
  });
});

describe('renderRun', () => {
  it('writes the page, JUnit, Markdown and the step summary, and lists every run newest first', async () => {
    const older = await storeRun('run-old', '2025-01-01T09:00:00.000Z', ['pass']);
    const newer = await storeRun('run-new', '2025-01-02T09:00:00.000Z');
    await mkdir(path.join(root, 'not-a-run')); // no report.json: not listed
    const broken = path.join(root, 'run-broken');
    await mkdir(broken);
    await writeFile(path.join(broken, 'report.json'), '{"truncated');
    const stepSummary = path.join(root, 'step-summary.md');
    await writeFile(stepSummary, '# earlier step\n');

    const report = JSON.parse(await readFile(path.join(newer, 'report.json'), 'utf8'));
    const junit = path.join(root, 'out', 'junit.xml');
    const markdown = path.join(root, 'out', 'summary.md');
    const written = await renderRun(report, newer, { junit, markdown, env: { GITHUB_STEP_SUMMARY: stepSummary } });
    expect(written).toEqual([path.join(newer, 'index.html'), path.join(newer, 'summary.json'), junit, markdown, stepSummary, path.join(root, 'index.html')]);

    expect(await readFile(junit, 'utf8')).toContain('<failure message="RSS grew');
    const md = await readFile(markdown, 'utf8');
    expect(await readFile(stepSummary, 'utf8')).toBe(`# earlier step\n${md}\n`);

    const page = await readFile(path.join(newer, 'index.html'), 'utf8');
    // nothing fetched: no external scripts, styles or links (uPlot's licence banner names its URL, in a comment)
    expect(/<script[^>]+src=|<link[\s>]|(src|href)=["']?(https?:)?\/\//i.exec(page)?.[0]).toBeUndefined();
    expect(page.includes('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe(true);
    expect(page.includes('<script>alert(')).toBe(false);
    expect(page.includes('</textarea>')).toBe(false);

    const index = await readFile(path.join(root, 'index.html'), 'utf8');
    const order = [...index.matchAll(/data-run="([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual(['run-new', 'run-old', 'run-broken']);
    expect(index).toMatch(/data-run="run-broken".*cannot read run-broken\/report\.json/);
    expect(index).toMatch(/data-run="run-old".*PASS/);
    expect(index).toMatch(/href=".\/run-new\/index.html"/);
    expect((await stat(path.join(older, 'report.json'))).isFile()).toBe(true);
  });

  it('re-renders without the optional outputs and without touching GITHUB_STEP_SUMMARY when unset', async () => {
    const dir = await storeRun('run-a', '2025-01-01T09:00:00.000Z');
    const report = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    const written = await renderRun(report, dir, { env: {} });
    expect(written.map((p) => path.relative(root, p))).toEqual(['run-a/index.html', 'run-a/summary.json', 'index.html']);
  });
});
