// One scenario's part of the run page: verdict, checks, charts (placeholders the page script fills),
// suspects, output tail. Every string that came from the report goes through escapeHtml.
import type { Check, ScenarioReport, Suspect } from '../../report/runReportSchema.ts';
import { holdsLine, noWhereLine, traceLines } from '../leakTraceLines.ts';
import { formatDuration, formatNumber, formatSigned, formatValue } from '../formatValue.ts';
import type { ChartSpec } from './chartModel.ts';
import type { LimitLineKind } from '../limitLines.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { alertsList, processesTable, processHeapsTable } from './soakTables.ts';
import { attachedText, calibrationText, detectableText, latencySplitText, observerText, runtimeText, stepTimeText, wouldHaveCaught } from '../scenarioHeadlines.ts';
import { agentlessLines, retriesText, startupFacts, startupText } from '../setupText.ts';
import { typeGrowthTable } from './typeGrowthTable.ts';
import { leaksTable } from './leaksTable.ts';
import { diskTable } from './diskTable.ts';

export function verdictBadge(verdict: string): string {
  return `<span class="badge ${e(verdict)}">${e(verdict.toUpperCase())}</span>`;
}

function limitCell(c: Check): string {
  if (c.limit === undefined && c.limitValue === undefined) return '—';
  const value = c.limitValue === undefined ? '' : formatValue(c.limitValue, c.unit);
  if (c.limit === undefined) return e(value);
  return value && value !== c.limit ? `${e(c.limit)} <span class="dim">(${e(value)})</span>` : e(c.limit);
}

/** What a leak check could have caught in this run, as the analysis stated it. */
function detectableLine(c: Check): string {
  const caught = detectableText(c);
  if (!caught || !c.detectable) return '';
  const d = c.detectable;
  return `<span class="detectable">would have caught ${e(caught)} (${Math.round(d.power * 100)}% of the time; noise sd ${e(formatValue(d.noise.sd, d.unit))} over ${d.noise.points} points)</span>`;
}

function trendCell(c: Check): string {
  const t = c.trend;
  if (!t) return detectableLine(c) || '—';
  const per = `${t.unit}/${t.per}`;
  const slope = formatSigned(t.slope, per);
  const range = `[${formatValue(t.low, per)}, ${formatValue(t.high, per)}] at ${Math.round(t.confidence * 100)}%`;
  const p = t.pValue === undefined ? '' : `, p=${t.pValue < 0.001 ? '<0.001' : t.pValue.toFixed(3)}`;
  const more = t.moreIterationsNeeded ? `; about ${t.moreIterationsNeeded} more iterations would decide it` : '';
  const stated = detectableLine(c);
  return `<span class="trend ${e(t.verdict)}">${e(t.verdict)}</span> ${e(slope)} <span class="dim">${e(range + p)}</span><br>${e(t.reason + more)}${stated ? `<br>${stated}` : ''}`;
}

function leftoversList(c: Check): string {
  if (!c.leftovers?.length) return '';
  const items = c.leftovers.map((l) => `<li><code>${e(l.kind)} ${e(l.id)}</code> ${e(l.detail)}</li>`).join('');
  return `<details><summary>${c.leftovers.length} left over</summary><ul class="leftovers">${items}</ul></details>`;
}

function checksTable(checks: Check[]): string {
  if (checks.length === 0) return '<p class="dim">No checks ran.</p>';
  const rows = checks.map((c) => `<tr class="${c.pass ? 'pass' : 'fail'}" data-check-id="${e(c.id)}">
<td><code>${e(c.id)}</code><br><span class="dim">${e(c.kind)} · ${e(c.resource)}</span></td>
<td class="num">${limitCell(c)}</td>
<td class="num observed">${e(formatValue(c.observed, c.unit))}</td>
<td>${verdictBadge(c.known ? 'known' : c.pass ? 'pass' : 'fail')} ${e(c.message)}${leftoversList(c)}</td>
<td>${trendCell(c)}</td></tr>`);
  return `<table class="checks"><thead><tr><th>Check</th><th>Limit</th><th>Observed</th><th>Verdict</th><th>Trend</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

/** A suspect's trace, collapsible, LeakCanary's way: a reference a line, the developer's own names marked. */
function traceCell(s: Suspect, open: boolean): string {
  if (!s.trace && s.where.length === 0 && s.noWhere) return `<p class="where dim">${e(noWhereLine(s.noWhere))}</p>`;
  if (!s.trace) return `<ol class="where">${s.where.map((w) => `<li>${e(w)}</li>`).join('')}</ol>`;
  const lines = traceLines(s.trace);
  const first = lines.find((l) => !l.note)?.text ?? s.trace.leaking;
  const items = lines.map((l) => `<li class="${l.note ? 'note' : 'ref'}${l.user ? ' user' : ''}"><span class="glyph">${e(l.glyph)}</span> ${l.user && !l.note ? `<mark>${e(l.text)}</mark>` : e(l.text)}</li>`);
  return `<details class="trace"${open ? ' open' : ''}><summary>${e(first)} … ${e(s.trace.leaking)}</summary><ol class="trace">${items.join('')}</ol></details>`;
}

function suspectRow(s: Suspect, open: boolean): string {
  const held = s.holds && s.holds.length > 0
    ? `<details class="holds"><summary>${e(holdsLine(s) ?? '')}</summary>${suspectsTable(s.holds, false)}</details>`
    : '';
  const where = s.process ? `<br><span class="dim">${e(s.process.role)} pid ${e(String(s.process.pid))}</span>` : '';
  return `<tr>
<td><code>${e(s.name)}</code><br><span class="dim">${e(s.runtime)} ${e(s.kind)}</span>${where}</td>
<td class="num">${e(formatSigned(s.countDelta, ''))}</td>
<td class="num">${e(formatNumber(s.perIteration))}</td>
<td class="num">${e(formatSigned(s.bytesDelta, 'B'))}</td>
<td>${traceCell(s, open)}${held}</td></tr>`;
}

function suspectsTable(suspects: Suspect[], top = true): string {
  if (suspects.length === 0) return '<p class="dim">No suspects.</p>';
  // the top three's traces open, as the terminal prints them; the rest a click away
  const rows = suspects.map((s, i) => suspectRow(s, top && i < 3));
  return `<table class="suspects"><thead><tr><th>Suspect</th><th>Count Δ</th><th>Per iteration</th><th>Bytes Δ</th><th>Leak trace / traceback</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function attributionNote(s: ScenarioReport): string {
  const a = s.attribution;
  if (!a) return '';
  const took = `Naming suspects took ${e(formatDuration(a.usedMs))} of its ${e(formatDuration(a.budgetMs))}`;
  if (a.cutShort.length === 0) return `<p class="dim attribution">${took}.</p>`;
  return `<div class="probe-errors attribution"><strong>${took}; cut short:</strong><ul>${a.cutShort.map((c) => `<li>${e(c)}</li>`).join('')}</ul></div>`;
}

function outputBlock(s: ScenarioReport): string {
  const o = s.output;
  const patterns = Object.entries(o.forbidCounts);
  const forbid = patterns.length
    ? `<table class="forbid"><thead><tr><th>Forbidden pattern</th><th>Lines</th><th>First matches</th></tr></thead><tbody>${patterns
        .map(([p, n]) => `<tr class="${n ? 'fail' : 'pass'}"><td><code>${e(p)}</code></td><td class="num">${n}</td><td>${(o.forbidExamples[p] ?? []).map((x) => `<code>${e(x)}</code>`).join('<br>')}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  const lines = o.tail
    .map((l) => `<li class="${l.stream}${l.forbidden ? ' forbidden' : ''}"${l.forbidden ? ` title="matches ${e(l.forbidden)}"` : ''}><span class="t">${e(formatDuration(l.t))}</span><span class="stream">${l.stream}</span><span class="text">${e(l.text)}</span></li>`)
    .join('');
  const shown = o.tail.length < o.totalLines ? `last ${o.tail.length} of ${formatNumber(o.totalLines)} lines` : `${o.tail.length} lines`;
  return `${forbid}<p class="dim">${e(shown)}</p><ol class="output">${lines}</ol>`;
}

/** The badge of a chart whose series crossed a failing check's level, by what the level is. */
const CROSSED: Record<LimitLineKind, string> = { budget: 'over budget', leak: 'not back to baseline', alert: 'over the critical alert level' };

function chartFigure(c: ChartSpec): string {
  const note = c.sourcePoints > c.x.length ? `drawn from ${formatNumber(c.sourcePoints)} samples, min/max per bucket kept` : `${formatNumber(c.sourcePoints)} samples`;
  // Only a failed check makes a crossing 'over budget': fds above a 'baseline' line during the run
  // (the check is about after the settle) or one p99 spike (the check is about 95% of intervals)
  // are above the line without being over budget.
  const crossed = c.max === null ? undefined : c.lines.find((l) => l.kind !== 'baseline' && l.pass === false && c.max! > l.value);
  const badge = crossed && crossed.kind !== 'baseline' ? ('shape' in crossed && crossed.shape ? 'a leak by its shape' : CROSSED[crossed.kind]) : null;
  const recycled = c.marks?.filter((m) => m.kind === 'recycled').length ?? 0;
  const retried = (c.marks?.length ?? 0) - recycled;
  const marks = c.marks?.length
    ? `<p class="dim marks">${recycled ? `${recycled} worker${recycled === 1 ? '' : 's'} recycled` : ''}${recycled && retried ? ', ' : ''}${retried ? `${retried} request${retried === 1 ? '' : 's'} retried after one` : ''} (purple ticks)</p>`
    : '';
  return `<figure class="chart${badge ? ' over-budget' : ''}" data-chart-id="${e(c.id)}" data-resource="${e(c.resource)}" data-axis="${c.axis}" data-marks="${c.marks?.length ?? 0}">
<figcaption>${e(c.title)}${badge ? ` <span class="badge fail">${badge}</span>` : ''}</figcaption><div class="plot"></div>
${c.trend ? `<p class="trend-label">fitted trend ${e(c.trend.label)}</p>` : ''}<p class="dim note">${e(note)}</p>${marks}</figure>`;
}

function artifactsList(s: ScenarioReport): string {
  if (!s.artifacts?.length) return '';
  // Artifacts are paths relative to the report dir; anything that looks like a URL scheme is shown, not linked.
  const items = s.artifacts.map((a) => (/^[a-z][a-z0-9+.-]*:/i.test(a) || a.startsWith('/') ? `<li><code>${e(a)}</code></li>` : `<li><a href="./${e(encodeURI(a))}">${e(a)}</a></li>`));
  return `<h3>Artifacts</h3><ul>${items.join('')}</ul>`;
}

/** What the passing leak checks could have caught, the calibration run's outcome, and what observing cost. */
function statedLines(s: ScenarioReport): string {
  const caught = wouldHaveCaught(s);
  const calibration = calibrationText(s);
  const observer = observerText(s);
  const steps = stepTimeText(s);
  const latency = latencySplitText(s);
  const startup = [startupFacts(s), startupText(s)].filter(Boolean).join('. ');
  const agentless = agentlessLines(s);
  const retried = retriesText(s);
  return `${steps ? `<p class="step-time">${e(steps)}</p>` : ''}${caught ? `<p class="detectable">${e(caught)}</p>` : ''}${calibration ? `<p class="calibration ${e(s.calibration!.outcome.replace(' ', '-'))}">${e(calibration)}</p>` : ''}${latency ? `<p class="latency-split">Each answer's latency: ${e(latency)}</p>` : ''}${observer ? `<p class="observer-cost">${e(observer)}</p>` : ''}`
    + `${startup ? `<p class="startup">${e(startup)}</p>` : ''}${retried ? `<p class="retries">${e(retried)}</p>` : ''}${agentless.length ? `<div class="agentless"><strong>No agent answering</strong><ul>${agentless.map((l) => `<li>${e(l)}</li>`).join('')}</ul></div>` : ''}`;
}

export function scenarioSection(s: ScenarioReport, index: number | string, charts: ChartSpec[]): string {
  const target = [s.target.kind, runtimeText(s) ?? s.target.runtime, s.target.command?.join(' '), attachedText(s)].filter(Boolean).join(' · ');
  // a series from Prometheus has points, not steps, and neither suspects nor output to show
  const series = s.target.remote !== undefined && (s.target.remote.labels !== undefined || s.target.remote.sum === true);
  const problems = s.probeErrors?.length ? `<div class="probe-errors"><strong>Probe problems</strong><ul>${s.probeErrors.map((p) => `<li>${e(p)}</li>`).join('')}</ul></div>` : '';
  // how the run measured: worth reading, and no problem, so not in the problems' yellow box
  const notes = s.notes?.length ? `<div class="run-notes"><strong>Notes</strong><ul>${s.notes.map((n) => `<li>${e(n)}</li>`).join('')}</ul></div>` : '';
  return `<section class="scenario ${e(s.verdict)}" id="scenario-${index}" data-verdict="${e(s.verdict)}">
<h2>${verdictBadge(s.verdict)} ${e(s.name)}</h2>
<p class="meta"><code>${e(s.file)}</code> · ${e(target)} · ${series ? `${s.series.timedCount} points` : `${s.iterations.warmup} warmup + ${s.iterations.measured} measured iterations`} · ${e(formatDuration(s.durationMs))}${s.restarts === undefined ? '' : ` · <span class="restarts${s.restarts ? ' some' : ''}">${s.restarts} restart${s.restarts === 1 ? '' : 's'}</span>`}</p>
${s.error ? `<pre class="error">${e(s.error)}</pre>` : ''}${s.cutShort ? `<pre class="error">${e(s.cutShort)}</pre>` : ''}${problems}${notes}
<h3>Checks</h3>${checksTable(s.checks)}
${leaksTable(s)}
${statedLines(s)}${alertsList(s)}
<h3>Charts</h3><p class="dim legend-note">Shaded: warmup (blue) and settle (grey). Dashed grey: baseline. Red: a budget. Dotted red: the level a default check allows after the settle (back to baseline). Purple: an alert level (a warning is told, a critical crossing fails). Orange dashed: fitted trend. Purple ticks: a worker recycled (a step's request retried, where marked ↻). Each line's name is in the legend.</p>
<div class="charts">${charts.map(chartFigure).join('\n') || '<p class="dim">No samples.</p>'}</div>
${processesTable(s)}
${processHeapsTable(s)}
${typeGrowthTable(s)}
${diskTable(s)}
${series ? '' : `<h3>Suspects</h3>${suspectsTable(s.suspects)}${attributionNote(s)}
<h3>Target output</h3>${outputBlock(s)}`}
${artifactsList(s)}
</section>`;
}
