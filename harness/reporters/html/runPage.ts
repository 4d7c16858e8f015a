// The self-contained page for one run: a header with the host and exit code, a section per scenario,
// framed by chartPage.ts (the chart data, uPlot and our chart script inlined). Opens from disk; fetches nothing.
import type { Report, ScenarioReport } from '../../report/runReportSchema.ts';
import { formatDuration, formatValue } from '../formatValue.ts';
import { scenarioCharts, type ChartSpec } from './chartModel.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { renderChartPage } from './chartPage.ts';
import { scenarioSection, verdictBadge } from './scenarioSection.ts';
import { shardText } from '../shardText.ts';
import { knownLeaksFileLine } from '../leakText.ts';

export async function renderRunPage(report: Report): Promise<string> {
  const charts: ChartSpec[] = [];
  const section = (s: ScenarioReport, id: string) => {
    const mine = scenarioCharts(s, id);
    charts.push(...mine);
    return scenarioSection(s, id, mine);
  };
  // a deployed service's replicas, each judged from its series in Prometheus, follow the scenario that drove them
  const sections = report.scenarios.map((s, i) => section(s, String(i)) + (s.replicas?.length
    ? `\n<div class="replicas"><h3>Replicas, each judged from its series in Prometheus</h3>\n${s.replicas.map((r, j) => section(r, `${i}-${j}`)).join('\n')}</div>`
    : ''));
  const verdict = report.verdict;
  const h = report.host;
  const link = (s: ScenarioReport, id: string) => `<li>${verdictBadge(s.verdict)} <a href="#scenario-${id}">${e(s.name)}</a></li>`;
  const nav = report.scenarios.map((s, i) => link(s, String(i)) + (s.replicas ?? []).map((r, j) => link(r, `${i}-${j}`)).join('')).join('');
  const duration = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  const shard = shardText(report);
  const known = knownLeaksFileLine(report);
  return renderChartPage({
    title: `seep ${verdict} · ${report.runId}`,
    bodyAttributes: `data-verdict="${e(verdict)}"`,
    header: `<p><a href="../index.html">← all runs</a></p>
<h1>${verdictBadge(verdict)} seep run <code>${e(report.runId)}</code></h1>
<p class="meta">${e(report.startedAt)} · ${Number.isFinite(duration) ? e(formatDuration(duration)) : ''} · exit code ${report.exitCode} · ${e(h.hostname)} (${e(h.platform)}/${e(h.arch)}, ${h.cpus} CPUs, ${e(formatValue(h.totalMemBytes, 'B'))}) · seep ${e(report.seepVersion)} on node ${e(h.node)} (each target's own runtime is under its name)</p>
${shard === null ? '' : `<p class="meta">${e(shard)}</p>\n`}${known === null ? '' : `<p class="meta known-leaks">${e(known)}</p>\n`}<nav class="scenarios"><ul>${nav}</ul></nav>`,
    main: sections.join('\n'),
    charts,
  });
}
