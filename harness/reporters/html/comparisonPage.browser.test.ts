// The comparison page in a real browser: one chart per compared series, each drawn with both runs
// on it, no script errors.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { renderComparisonPage } from './comparisonPage.ts';
import { syntheticComparison } from '../../../fixtures/testing/syntheticComparison.ts';
import { launchChromium, type OfflineBrowser } from '../../../fixtures/testing/launchChromium.ts';
import { tempDir } from '../../../fixtures/testing/tempDir.ts';

let browser: OfflineBrowser | undefined;
afterAll(async () => {
  await browser?.close();
});

it('draws every chart with the before and the after series', async () => {
  const file = path.join(tempDir('seep-compare-page-'), 'compare.html');
  await writeFile(file, await renderComparisonPage(syntheticComparison()));
  browser = await launchChromium();
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, null, { timeout: 20_000 });
  const figures = await page.$$eval('figure.chart', (els) => els.map((el) => ({ id: (el as HTMLElement).dataset.chartId, rendered: (el as HTMLElement).dataset.rendered, seriesMax: (el as HTMLElement).dataset.seriesMax })));
  expect(errors).toEqual([]);
  expect(figures.length).toBeGreaterThan(4);
  for (const f of figures) {
    expect(f.rendered, f.id).toBe('true');
    // two drawn series, each with a value
    const max = JSON.parse(f.seriesMax!) as (number | null)[];
    expect(max, f.id).toHaveLength(2);
    expect(max.every((v) => v !== null), f.id).toBe(true);
  }
}, 60_000);
