// `seep compare` as a self-contained page: per scenario the figures of both runs with the
// difference and its verdict, the checks side by side, and both series on shared axes (uPlot and
// the run page's chart script inlined). Opens from disk; fetches nothing; computes nothing.
import type { ComparedFigure, ComparedSide, RunComparison, ScenarioComparison } from '../../report/comparisonSchema.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import type { ChartSpec } from './chartModel.ts';
import { comparisonCharts } from './comparisonCharts.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { renderChartPage } from './chartPage.ts';
import { verdictBadge } from './scenarioSection.ts';

const unitOf = (f: ComparedFigure) => (f.per ? `${f.unit}/${f.per}` : f.unit);

/** An interval's ends in the figure's unit without its 'per': the value beside it says per what. */
const ends = (f: ComparedFigure, low: number, high: number) => `[${formatValue(low, f.unit)}, ${formatValue(high, f.unit)}]`;

/** Both runs exactly flat: a row that says nothing (most count slopes); named in one line instead. */
function flatInBoth(f: ComparedFigure): boolean {
  return [f.before, f.after].every((s) => s !== null && s.value === 0 && s.low === 0 && s.high === 0);
}

function sideCell(f: ComparedFigure, s: ComparedSide | null): string {
  if (!s) return '<td class="dim">—</td>';
  const u = unitOf(f);
  const interval = f.kind === 'slope' ? ` <span class="dim">${e(ends(f, s.low, s.high))}</span>` : '';
  return `<td>${e(formatSigned(s.value, u))}${interval}<br><span class="trend ${e(s.verdict)}">${e(s.verdict)}</span>${s.source === 'series' ? ' <span class="dim">(from the series)</span>' : ''}</td>`;
}

function differenceCell(f: ComparedFigure): string {
  const d = f.difference;
  if (!d) return '<td class="dim">not compared</td>';
  const u = unitOf(f);
  const interval = f.kind === 'slope' ? ` <span class="dim">${e(ends(f, d.low, d.high))} at ${Math.round(d.confidence * 100)}%, ${d.significant ? 'significant' : 'not significant'}</span>` : '';
  const word = d.verdict === 'worse' ? '<strong class="trend leak">worse</strong>' : d.verdict === 'better' ? '<strong class="trend bounded">better</strong>' : 'same';
  return `<td>${e(formatSigned(d.value, u))}${interval}<br>${word} <span class="dim">(tolerance ${e(formatValue(d.tolerance, f.unit))})</span></td>`;
}

function figuresTable(s: ScenarioComparison): string {
  const flat = s.figures.filter(flatInBoth).map((f) => f.key);
  const rows = s.figures.filter((f) => !flatInBoth(f)).map((f) => `<tr data-figure="${e(f.key)}" data-verdict="${e(f.difference?.verdict ?? 'none')}"><td><code>${e(f.key)}</code><br><span class="dim">${e(f.kind)} · ${e(f.series)}</span></td>${sideCell(f, f.before)}${sideCell(f, f.after)}${differenceCell(f)}</tr>`);
  const flatLine = flat.length ? `<p class="dim flat">flat in both runs: ${flat.map((k) => `<code>${e(k)}</code>`).join(', ')}</p>` : '';
  return `<table class="figures"><thead><tr><th>Figure</th><th>Before</th><th>After</th><th>After − before</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>${flatLine}`;
}

function checksTable(s: ScenarioComparison): string {
  if (s.checks.length === 0) return '';
  const cell = (c: { pass: boolean; message: string } | null) => (c ? `<td>${verdictBadge(c.pass ? 'pass' : 'fail')} ${e(c.message)}</td>` : '<td class="dim">—</td>');
  const rows = s.checks.map((c) => `<tr data-check-id="${e(c.id)}"><td><code>${e(c.id)}</code></td>${cell(c.before)}${cell(c.after)}</tr>`);
  return `<table class="checks"><thead><tr><th>Check</th><th>Before</th><th>After</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function figure(c: ChartSpec): string {
  return `<figure class="chart" data-chart-id="${e(c.id)}" data-resource="${e(c.resource)}" data-axis="${c.axis}"><figcaption>${e(c.title)}</figcaption><div class="plot"></div></figure>`;
}

export async function renderComparisonPage(c: RunComparison): Promise<string> {
  const charts: ChartSpec[] = [];
  const sections = c.scenarios.map((s, i) => {
    const mine = comparisonCharts(s, i);
    charts.push(...mine);
    const said = [s.worse.length ? `worse: ${s.worse.join(', ')}` : '', s.better.length ? `better: ${s.better.join(', ')}` : ''].filter(Boolean).join('; ') || 'no figure differs beyond the tolerance';
    return `<section class="scenario" id="scenario-${i}" data-worse="${s.worse.length}"><h2>${verdictBadge(s.worse.length ? 'fail' : 'pass')} ${e(s.name)}</h2>
<p>${e(said)}</p>${figuresTable(s)}${checksTable(s)}<div class="charts">${mine.map(figure).join('\n')}</div></section>`;
  });
  const verdict = c.exitCode === 0 ? 'pass' : c.exitCode === 1 ? 'fail' : 'error';
  const run = (r: RunComparison['before']) => `<code>${e(r.runId)}</code> <span class="dim">${e(r.path)} · ${e(r.startedAt)}</span>`;
  return renderChartPage({
    title: `seep compare ${c.before.runId} → ${c.after.runId}`,
    bodyAttributes: `data-verdict="${verdict}" data-exit-code="${c.exitCode}"`,
    header: `<h1>${verdictBadge(verdict)} seep compare</h1>
<p>before ${run(c.before)}<br>after ${run(c.after)}</p>
<p class="meta">exit code ${c.exitCode} · worse means the difference's interval lies above the tolerance: ${Math.round(c.tolerance * 100)}% of the before figure, at least a floor per unit</p>
${c.incomparable.length ? `<ul class="probe-errors">${c.incomparable.map((r) => `<li>${e(r)}</li>`).join('')}</ul>` : ''}`,
    main: sections.join('\n'),
    charts,
  });
}
