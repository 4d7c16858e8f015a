// The run page in a real browser (the Chromium that launchChromium picks): charts drawn, numbers
// right, no script errors, no network, and the target's hostile output stays text.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatValue } from '../formatValue.ts';
import { renderRun } from '../renderRun.ts';
import { HOSTILE_LINES, SOAK, syntheticReport } from '../../../fixtures/testing/syntheticReport.ts';
import { launchChromium, type OfflineBrowser } from '../../../fixtures/testing/launchChromium.ts';

const SCREENSHOTS = fileURLToPath(new URL('../../../reports/screenshots/', import.meta.url));

let browser: OfflineBrowser;
let page: Page;
let root: string;
const pageErrors: string[] = [];
const dialogs: string[] = [];
const report = syntheticReport({ soak: true });

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'seep-browser-'));
  const runDir = path.join(root, report.runId);
  await mkdir(runDir);
  await writeFile(path.join(runDir, 'report.json'), JSON.stringify(report));
  await renderRun(report, runDir, { env: {} });
  browser = await launchChromium();
  page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(msg.text());
  });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(pathToFileURL(path.join(runDir, 'index.html')).href);
  await page.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, null, { timeout: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

interface FigureState {
  id: string;
  rendered?: string;
  plottedMax?: string;
  budget?: string;
  seriesCount?: string;
  seriesMax?: string;
  inkPixels: number;
  redPixels: number;
  legend: string;
}

function figures(p: Page): Promise<FigureState[]> {
  return p.$$eval('figure.chart', (figs) =>
    figs.map((f) => {
      const el = f as HTMLElement;
      let inkPixels = 0;
      let redPixels = 0;
      const canvas = el.querySelector('canvas');
      if (canvas) {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3]! > 0) inkPixels++;
          // the budget line's red (#cf222e), allowing for antialiasing
          if (data[i]! > 180 && data[i + 1]! < 80 && data[i + 2]! < 90 && data[i + 3]! > 200) redPixels++;
        }
      }
      return { id: el.dataset.chartId!, rendered: el.dataset.rendered, plottedMax: el.dataset.plottedMax, budget: el.dataset.budget, seriesCount: el.dataset.seriesCount, seriesMax: el.dataset.seriesMax, inkPixels, redPixels, legend: el.querySelector('.u-legend')?.textContent ?? '' };
    }),
  );
}

describe('run page in Chromium', () => {
  it('draws every chart with no script error and no network request', async () => {
    const figs = await figures(page);
    expect(figs.length).toBeGreaterThanOrEqual(20);
    expect(await page.evaluate(() => Number(document.body.dataset.chartsDrawn))).toBe(figs.length);
    for (const f of figs) {
      expect(f.rendered, f.id).toBe('true');
      expect(f.inkPixels, `${f.id} canvas is blank`).toBeGreaterThan(1000);
    }
    expect(pageErrors).toEqual([]);
    expect(browser.blocked).toEqual([]);
  });

  it('shows the failing scenario crossing its budget line and the passing one below it', async () => {
    const figs = await figures(page);
    const failing = figs.find((f) => f.id === 's1-rss-iteration')!;
    const passing = figs.find((f) => f.id === 's0-rss-iteration')!;
    expect(Number(failing.plottedMax)).toBeGreaterThan(Number(failing.budget));
    expect(Number(passing.plottedMax)).toBeLessThan(Number(passing.budget));
    // rss, pss, baseline, budget, trend, plus x
    expect(failing.seriesCount).toBe('6');
    expect(failing.legend).toContain('budget.rssGrowth 50MB');
    expect(failing.redPixels, 'budget line drawn').toBeGreaterThan(200);
    expect(await page.locator('figure[data-chart-id="s1-rss-iteration"] figcaption').textContent()).toContain('over budget');
    const sockets = figs.find((f) => f.id === 's1-sockets-time')!;
    expect(sockets.legend).toContain('tcp CLOSE_WAIT');
    expect(Number(sockets.plottedMax)).toBe(46);
  });

  it('puts the right numbers and verdicts in the tables', async () => {
    const failing = report.scenarios[1]!;
    const growth = failing.checks.find((c) => c.id === 'budget.rssGrowth')!;
    const row = page.locator('#scenario-1 tr[data-check-id="budget.rssGrowth"]');
    expect(await row.locator('td.observed').textContent()).toBe(formatValue(growth.observed, 'B'));
    expect(await row.textContent()).toContain('FAIL');
    expect(await row.textContent()).toContain('50MB');
    expect(await row.textContent()).toMatch(/leak \+1\.\d MB\/iteration/);
    expect(await page.locator('#scenario-0').getAttribute('data-verdict')).toBe('pass');
    expect(await page.locator('#scenario-2 pre.error').textContent()).toBe(report.scenarios[2]!.error);
    expect(await page.locator('#scenario-1 table.suspects tbody tr').count()).toBe(2);
    expect(await page.locator('#scenario-1 ol.output li.forbidden').count()).toBe(2);
  });

  it('keeps injection attempts in target output, names and messages as text', async () => {
    expect(dialogs).toEqual([]);
    expect(await page.locator('script').count()).toBe(4); // locale guard, data island, uPlot, our chart script
    expect(await page.locator('img, textarea, b').count()).toBe(0);
    const lines = await page.locator('#scenario-1 ol.output li .text').allTextContents();
    expect(lines).toEqual(expect.arrayContaining([HOSTILE_LINES[0], HOSTILE_LINES[1], 'Unhandled rejection: </textarea><script>alert(3)</script>']));
    expect(await page.locator('#scenario-1 h2').textContent()).toContain('session map leaks <b>');
  });

  it('charts a soak: throughput and errors per second, latency and seep against their budgets, peaks kept', async () => {
    const figs = await figures(page);
    const chart = (id: string) => {
      const f = figs.find((x) => x.id === id);
      if (!f) throw new Error(`no chart ${id} among ${figs.map((x) => x.id).join(', ')}`);
      return f;
    };
    const perSecond = (n: number) => (n * 1000) / SOAK.loadIntervalMs;
    const throughput = chart('s3-throughput-time');
    expect(JSON.parse(throughput.seriesMax!)).toEqual([perSecond(SOAK.requestsPerInterval), perSecond(15)]);
    expect(throughput.legend).toMatch(/requests\/s.*errors\/s/);
    const latency = chart('s3-latency-time');
    expect(Number(latency.plottedMax)).toBe(SOAK.latencySpikeMs); // one interval of 4,320, drawn from 2,000 points
    expect(Number(latency.budget)).toBe(SOAK.latencyBudgetMs);
    expect(latency.legend).toContain('budget.latencyP99 1s');
    expect(latency.redPixels, 'latency budget line drawn').toBeGreaterThan(200);
    const seep = chart('s3-seep-time');
    expect(Number(seep.plottedMax)).toBe(SOAK.seepPeak);
    expect(Number(seep.budget)).toBe(SOAK.seepBudget);
    expect(await page.locator('figure[data-chart-id="s3-seep-time"] figcaption').textContent()).toBe("seep's own RSS");
    // the one spike is drawn above the budget line, but the check (p99 in 95% of intervals) passed
    expect(await page.locator('figure[data-chart-id="s3-latency-time"] figcaption').textContent()).toBe('Latency over time');
  });

  it('lists the soak\'s processes by start with the recycled workers and their peaks, restarts and alerts', async () => {
    const s = report.scenarios[3]!;
    expect(await page.locator('#scenario-3 p.meta').textContent()).toContain(`${SOAK.restarts} restart`);
    const rows = page.locator('#scenario-3 table.processes tbody tr');
    const pids = (await rows.evaluateAll((trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.pid))));
    const byStart = [...s.processes!].sort((a, b) => a.startedAt - b.startedAt).map((p) => p.pid);
    expect(pids).toEqual(byStart);
    expect(pids[0]).toBe(3000);
    const recycled = page.locator('#scenario-3 table.processes tr.recycled');
    expect(await recycled.count()).toBe(SOAK.recycled);
    expect(await recycled.locator('td.peak').allTextContents()).toEqual(s.processes!.filter((p) => p.end === 'recycled').map((p) => formatValue(p.peakRss, 'B')));
    expect(await page.locator('#scenario-3 tr.max-peak').getAttribute('data-pid')).toBe('3104');
    expect(await page.locator('#scenario-3 .recycled-note').textContent()).toContain(formatValue(SOAK.maxRecycledPeak, 'B'));
    expect(await page.locator('#scenario-3 tr[data-pid="3100"] code').textContent()).toBe('python3 server.py --worker 0 <w>');
    expect(await page.locator('#scenario-3 tr[data-pid="3200"]').textContent()).toContain('running at the end');
    const alerts = page.locator('#scenario-3 ol.alerts li');
    expect(await alerts.evaluateAll((lis) => lis.map((li) => (li as HTMLElement).dataset.level))).toEqual(['warning', 'warning', 'critical']);
    expect(await alerts.nth(1).locator('.message').textContent()).toBe(s.alerts![1]!.message);
    expect(await alerts.nth(2).locator('.t').textContent()).toBe('5h 24m');
  });

  it('keeps screenshots of the failing scenario and the soak', async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, 'run-page-failing-scenario.png');
    const shot = await page.locator('#scenario-1').screenshot({ path: file });
    expect(shot.length).toBeGreaterThan(10_000);
    const soak = await page.locator('#scenario-3').screenshot({ path: path.join(SCREENSHOTS, 'run-page-soak-scenario.png') });
    expect(soak.length).toBeGreaterThan(10_000);
  });

  it("draws its charts under a locale tag Intl rejects ('en-US@posix', a browser under LANG=C)", async () => {
    const posix = await browser.context.newPage();
    const errors: string[] = [];
    posix.on('pageerror', (err) => errors.push(err.message));
    await posix.addInitScript(() => Object.defineProperty(Navigator.prototype, 'language', { get: () => 'en-US@posix', configurable: true }));
    await posix.goto(page.url());
    await posix.waitForFunction(() => document.body.dataset.chartsDrawn !== undefined, null, { timeout: 20_000 });
    const figs = await figures(posix);
    expect(errors).toEqual([]);
    expect(figs.filter((f) => f.rendered !== 'true').map((f) => f.id)).toEqual([]);
    expect(await posix.evaluate(() => navigator.language)).toBe('en-US');
    await posix.close();
  });
});
