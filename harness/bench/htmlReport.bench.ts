// The HTML report at soak scale: a synthetic run whose every series holds 600,000 points (a 7-day
// soak sampled about once a second), rendered and opened in Chromium. Prints the file size and the
// time until every chart is drawn, beside the same numbers for a small 65-iteration run (the anchor).
// Targets from issue 5: under 2 s to charts drawn, under 5 MB of HTML. The Chromium is whichever
// launchChromium finds: a system one, else the headless shell inside the @sparticuz/chromium npm
// package (a devDependency), so the bench runs on a fresh machine with nothing installed but npm's.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Report } from '../report/schema.ts';
import { launchChromium } from '../../fixtures/testing/launchChromium.ts';
import { renderRunPage } from '../reporters/html/runPage.ts';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { printTarget } from './benchTarget.ts';

const POINTS = 600_000;
const RUNS = 3;

interface Measured {
  renderMs: number;
  bytes: number;
  drawnMs: number[];
  charts: number;
}

async function measure(report: Report, dir: string, name: string, open: (url: string) => Promise<{ drawnMs: number; charts: number }>): Promise<Measured> {
  const t0 = performance.now();
  const html = await renderRunPage(report);
  const renderMs = performance.now() - t0;
  const file = path.join(dir, `${name}.html`);
  await writeFile(file, html);
  const drawnMs: number[] = [];
  let charts = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = await open(pathToFileURL(file).href);
    drawnMs.push(r.drawnMs);
    charts = r.charts;
  }
  return { renderMs, bytes: Buffer.byteLength(html), drawnMs, charts };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

export default async function htmlReportBench(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'seep-html-bench-'));
  const browser = await launchChromium();
  try {
    const open = async (url: string): Promise<{ drawnMs: number; charts: number }> => {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(url);
        await page.waitForFunction(() => document.body.dataset.chartsDrawnMs !== undefined, null, { timeout: 60_000 });
        if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
        const drawnMs = await page.evaluate(() => Number(document.body.dataset.chartsDrawnMs));
        const charts = await page.evaluate(() => Number(document.body.dataset.chartsDrawn));
        return { drawnMs, charts };
      } finally {
        await page.close();
      }
    };

    const anchor = await measure(syntheticReport({ verdicts: ['fail'] }), dir, 'anchor', open);
    const genStart = performance.now();
    const big = syntheticReport({ iterations: POINTS - 5, timedPoints: POINTS, verdicts: ['fail'] });
    const genMs = performance.now() - genStart;
    const soak = await measure(big, dir, 'soak', open);

    const mb = (b: number): string => `${(b / 1e6).toFixed(2)} MB`;
    // the timings are this browser's: a system Chromium and the npm-shipped headless shell differ
    console.log(`chromium: ${browser.context.browser()?.version() ?? 'version unknown'} at ${browser.chromium.path} (${browser.chromium.from})`);
    console.log(`anchor (65 iterations, 300 timed): ${anchor.charts} charts, html ${mb(anchor.bytes)}, render in node ${anchor.renderMs.toFixed(0)} ms, charts drawn at ${median(anchor.drawnMs)} ms (runs ${anchor.drawnMs.join(', ')})`);
    console.log(`soak (${POINTS.toLocaleString('en-US')} points per series, boundaries and timed; generated in ${genMs.toFixed(0)} ms): ${soak.charts} charts, html ${mb(soak.bytes)}, render in node ${soak.renderMs.toFixed(0)} ms, charts drawn at ${median(soak.drawnMs)} ms (runs ${soak.drawnMs.join(', ')})`);
    console.log(`ratio soak/anchor: html size x${(soak.bytes / anchor.bytes).toFixed(2)}, charts drawn x${(median(soak.drawnMs) / median(anchor.drawnMs)).toFixed(2)}`);
    const drawn = median(soak.drawnMs);
    printTarget({ what: 'soak report charts drawn', limit: '< 2000 ms', anchor: `65-iteration report ${median(anchor.drawnMs)} ms`, measured: `${drawn} ms`, ratio: `${(drawn / median(anchor.drawnMs)).toFixed(2)}x the anchor`, pass: drawn < 2000 });
    printTarget({ what: 'soak report html size', limit: '< 5 MB', anchor: `65-iteration report ${mb(anchor.bytes)}`, measured: mb(soak.bytes), ratio: `${(soak.bytes / anchor.bytes).toFixed(2)}x the anchor`, pass: soak.bytes < 5e6 });
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
