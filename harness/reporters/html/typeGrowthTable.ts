// The top growing types (Python) or allocation sites (Node) read at every boundary: one row each,
// with the rate, verdict and what was kept as leak.types judged them, and the series itself as a
// small inline line (no axes: its scale is in the row). Draws; judges nothing.
import type { ScenarioReport, TypeGrowthSeries, TypeTrend } from '../../report/schema.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import { escapeHtml as e } from './escapeHtml.ts';

const W = 160;
const H = 28;

function sparkline(g: TypeGrowthSeries, name: string): string {
  const values = g.series.find((s) => s.name === name)?.values ?? [];
  const pts = values.map((v, i) => [i, v] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  if (pts.length < 2) return '';
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(0, ...ys);
  const span = Math.max(...ys) - lo || 1;
  const last = Math.max(1, values.length - 1);
  const xy = pts.map(([i, v]) => `${((i / last) * W).toFixed(1)},${(H - 2 - ((v - lo) / span) * (H - 4)).toFixed(1)}`).join(' ');
  // the settle reads, shaded as the big charts shade them
  const firstSettle = g.phase.indexOf('settle');
  // from the last measured read, so that one settle read still shows
  const settleX = firstSettle > 0 ? ((firstSettle - 1) / last) * W : null;
  const settle = settleX !== null ? `<rect x="${settleX.toFixed(1)}" y="0" width="${(W - settleX).toFixed(1)}" height="${H}" fill="currentColor" opacity="0.08"/>` : '';
  return `<svg class="spark" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(name)} at each boundary read">${settle}<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${xy}"/></svg>`;
}

function row(g: TypeGrowthSeries, t: TypeTrend): string {
  const per = `${t.trend.unit}/step`;
  return `<tr class="${t.leaks ? 'fail' : 'pass'}" data-type="${e(t.name)}">
<td><code>${e(t.name)}</code></td>
<td class="num">${e(formatSigned(t.trend.slope, per))}</td>
<td><span class="trend ${e(t.trend.verdict)}">${e(t.leaks ? 'leak' : t.trend.verdict)}</span> <span class="dim">${e(t.trend.reason)}</span></td>
<td class="num">${t.afterSettle === null ? '—' : e(formatValue(t.afterSettle, t.trend.unit))}</td>
<td>${sparkline(g, t.name)}</td></tr>`;
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
