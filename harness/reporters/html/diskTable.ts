// Disk path by path: the temp dir and each file or folder followed at every boundary, with the rate,
// verdict and what was there after the settle as leak.disk (or budget.disk) judged them, the series
// as a small line, the free space of its file system, and what the temp dir held at the end.
// Draws; judges nothing.
import type { DiskTrend, ScenarioReport } from '../../report/runReportSchema.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { sparkline } from './sparkline.ts';

function series(s: ScenarioReport, t: DiskTrend): string {
  const d = s.disk!;
  if (t.kind === 'temp') {
    const b = s.series.boundaries;
    const from = b.phase.lastIndexOf('warmup');
    return sparkline(b.values.tmpBytes.slice(Math.max(0, from)), b.phase.slice(Math.max(0, from)), 'temp dir bytes');
  }
  return sparkline(d.paths.find((p) => p.path === t.path)?.bytes ?? [], d.phase, t.path);
}

function freeOf(s: ScenarioReport, t: DiskTrend): number | null {
  const d = s.disk!;
  return (t.kind === 'temp' ? d.tempFree : d.paths.find((p) => p.path === t.path)?.free) ?? null;
}

function row(s: ScenarioReport, t: DiskTrend): string {
  const verdict = t.allowed ? 'allowed' : t.leaks ? 'leak' : t.entries?.verdict === 'leak' ? 'leak' : t.trend.verdict;
  const entries = t.entries ? `<br><span class="dim">${e(formatSigned(t.entries.slope, 'entries/step'))}</span>` : '';
  const free = freeOf(s, t);
  return `<tr class="${t.leaks ? 'fail' : 'pass'}" data-path="${e(t.path)}">
<td><code>${e(t.path)}</code><br><span class="dim">${e(t.how)}</span></td>
<td class="num">${e(formatSigned(t.trend.slope, 'B/step'))}${entries}</td>
<td><span class="trend ${e(t.leaks ? 'leak' : t.trend.verdict)}">${e(verdict)}</span> <span class="dim">${e(t.trend.reason)}</span></td>
<td class="num">${t.afterSettle === null ? '—' : e(formatValue(t.afterSettle, 'B'))}</td>
<td class="num">${free === null ? '—' : e(formatValue(free, 'B'))}</td>
<td>${series(s, t)}</td></tr>`;
}

export function diskTable(s: ScenarioReport): string {
  const d = s.disk;
  const trends = s.checks.find((c) => c.diskTrends)?.diskTrends;
  if (!d || !trends?.length) return '';
  const left = d.tempLeft ?? [];
  const leftText = d.tempDir === undefined ? '' : left.length === 0
    ? `<p class="dim">The temp dir was empty once the target had stopped.</p>`
    : `<details><summary>${left.length} left in the temp dir once the target had stopped (removed)</summary><ul class="leftovers">${left.map((l) => `<li><code>${e(l.id)}</code> ${e(l.detail)}</li>`).join('')}</ul></details>`;
  const watched = d.workingDirs.length ? `; files created in ${d.workingDirs.map((w) => w).join(', ')} are followed` : '';
  return `<h3>Disk at every boundary</h3>
<p class="dim">${e(`${d.phase.filter((p) => p !== 'settle').length} reads from the baseline on, then the settle (shaded); the temp dir ${d.tempDir ?? '(none: seep did not start the target)'}, the files the tree held open for writing${watched}`)}</p>
<table class="disk"><thead><tr><th>Path</th><th>Rate</th><th>Trend</th><th>After settle</th><th>Free on its disk</th><th>Series</th></tr></thead><tbody>${trends.map((t) => row(s, t)).join('\n')}</tbody></table>
${leftText}`;
}
