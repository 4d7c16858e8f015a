// The history page: every run under reports/ with its verdicts, newest first, so a team can see
// the history of their gate. Each run dir gets a small summary.json beside its report.json, so
// the index does not re-parse a 7-day soak's report for every run on every render.
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SCHEMA_VERSION, type Report, type Verdict } from '../../report/runReportSchema.ts';
import { formatDuration } from '../formatValue.ts';
import { REPORT_FILE } from '../jsonReporter.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { verdictBadge } from './scenarioSection.ts';

export const SUMMARY_FILE = 'summary.json';

export interface RunSummary {
  runId: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  verdict: Verdict;
  scenarios: { name: string; verdict: Verdict }[];
}

export interface RunEntry {
  dir: string;
  summary: RunSummary | null;
  /** why the run could not be read, shown on the page rather than dropped */
  problem?: string;
}

export function summarize(report: Report): RunSummary {
  return {
    runId: report.runId,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    exitCode: report.exitCode,
    verdict: report.verdict,
    scenarios: report.scenarios.map((s) => ({ name: s.name, verdict: s.verdict })),
  };
}

export async function writeSummary(report: Report, runDir: string): Promise<string> {
  const file = path.join(runDir, SUMMARY_FILE);
  await writeFile(file, JSON.stringify(summarize(report), null, 2) + '\n');
  return file;
}

async function readEntry(root: string, dir: string): Promise<RunEntry | null> {
  const reportPath = path.join(root, dir, REPORT_FILE);
  const reportStat = await stat(reportPath).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
    throw err;
  });
  if (!reportStat) return null;
  try {
    const summaryPath = path.join(root, dir, SUMMARY_FILE);
    const summaryStat = await stat(summaryPath).catch(() => null);
    if (summaryStat && summaryStat.mtimeMs >= reportStat.mtimeMs) {
      return { dir, summary: JSON.parse(await readFile(summaryPath, 'utf8')) as RunSummary };
    }
    const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
    if (report.schemaVersion !== SCHEMA_VERSION) {
      return { dir, summary: null, problem: `${dir}/${REPORT_FILE} is report schema ${String(report.schemaVersion)} (seep ${String(report.seepVersion)}); this seep reads schema ${SCHEMA_VERSION}` };
    }
    return { dir, summary: summarize(report) };
  } catch (err) {
    return { dir, summary: null, problem: `cannot read ${dir}/${REPORT_FILE}: ${(err as Error).message}` };
  }
}

/** Run dirs under root that hold a report.json, newest first (by startedAt, then by name). */
export async function listRuns(root: string): Promise<RunEntry[]> {
  const dirents = await readdir(root, { withFileTypes: true });
  const entries = await Promise.all(dirents.filter((d) => d.isDirectory()).map((d) => readEntry(root, d.name)));
  return entries
    .filter((x): x is RunEntry => x !== null)
    .sort((a, b) => (b.summary?.startedAt ?? '').localeCompare(a.summary?.startedAt ?? '') || b.dir.localeCompare(a.dir));
}

export function renderRunIndex(entries: RunEntry[], css: string): string {
  const rows = entries.map((r) => {
    const link = `<a href="./${e(encodeURIComponent(r.dir))}/index.html">${e(r.summary?.runId ?? r.dir)}</a>`;
    if (!r.summary) return `<tr class="error" data-run="${e(r.dir)}"><td>—</td><td>${link}</td><td>${verdictBadge('error')}</td><td colspan="2">${e(r.problem ?? '')}</td></tr>`;
    const s = r.summary;
    const duration = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
    const scenarios = s.scenarios.map((x) => `${verdictBadge(x.verdict)} ${e(x.name)}`).join('<br>');
    return `<tr class="${e(s.verdict)}" data-run="${e(r.dir)}"><td>${e(s.startedAt)}</td><td>${link}</td><td>${verdictBadge(s.verdict)} <span class="dim">exit ${s.exitCode}</span></td><td>${scenarios}</td><td class="num">${Number.isFinite(duration) ? e(formatDuration(duration)) : '—'}</td></tr>`;
  });
  const passed = entries.filter((r) => r.summary?.verdict === 'pass').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline';">
<title>seep runs</title><style>${css}</style></head>
<body><h1>seep runs</h1><p class="meta">${entries.length} runs, ${passed} passed</p>
<table class="runs"><thead><tr><th>Started</th><th>Run</th><th>Verdict</th><th>Scenarios</th><th>Duration</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></body></html>
`;
}
