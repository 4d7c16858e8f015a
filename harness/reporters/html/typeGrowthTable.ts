// The top growing types (Python) or allocation sites (Node) read at every boundary: one row each,
// with the rate, verdict and what was kept as leak.types judged them, and the series itself as a
// small inline line (no axes: its scale is in the row). Draws; judges nothing.
import type { ScenarioReport, TypeGrowthSeries, TypeTrend } from '../../report/runReportSchema.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { sparkline } from './sparkline.ts';

function typeSparkline(g: TypeGrowthSeries, name: string): string {
  return sparkline(g.series.find((x) => x.name === name)?.values ?? [], g.phase, name);
}

function row(g: TypeGrowthSeries, t: TypeTrend): string {
  const per = `${t.trend.unit}/step`;
  return `<tr class="${t.leaks ? 'fail' : 'pass'}" data-type="${e(t.name)}">
<td><code>${e(t.name)}</code></td>
<td class="num">${e(formatSigned(t.trend.slope, per))}</td>
<td><span class="trend ${e(t.trend.verdict)}">${e(t.leaks ? 'leak' : t.trend.verdict)}</span> <span class="dim">${e(t.trend.reason)}</span></td>
<td class="num">${t.afterSettle === null ? '—' : e(formatValue(t.afterSettle, t.trend.unit))}</td>
<td>${typeSparkline(g, t.name)}</td></tr>`;
}

export function typeGrowthTable(s: ScenarioReport): string {
  const g = s.typeGrowth;
  const trends = s.checks.find((c) => c.id === 'leak.types')?.typeTrends;
  if (!g || !trends?.length) return '';
  const what = g.kind === 'type' ? 'Type' : 'Allocation site';
  const reads = g.phase.filter((p) => p !== 'settle').length;
  return `<h3>Growth per ${e(what.toLowerCase())} at every boundary</h3>
<p class="dim">${e(`${reads} reads from the baseline on, then the settle (shaded); ${g.unit === 'B' ? 'live sampled bytes allocated since the baseline' : 'objects added since the baseline'}; a read took ${g.readMs.toFixed(1)} ms on average`)}</p>
<table class="type-growth"><thead><tr><th>${e(what)}</th><th>Rate</th><th>Trend</th><th>Kept after settle</th><th>Series</th></tr></thead><tbody>${trends.map((t) => row(g, t)).join('\n')}</tbody></table>`;
}
