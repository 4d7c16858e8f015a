// The self-contained page for one run: header, a section per scenario, the chart data as one JSON
// island, uPlot and our chart script inlined. Opens from disk; fetches nothing.
import type { Report } from '../../report/schema.ts';
import { formatDuration, formatValue } from '../formatValue.ts';
import { scenarioCharts, type ChartSpec } from './chartModel.ts';
import { escapeHtml as e, jsonForScript } from './escapeHtml.ts';
import { inlineScript, pageAssets } from './pageAssets.ts';
import { scenarioSection, verdictBadge } from './scenarioSection.ts';
import { shardText } from '../shardText.ts';

export async function renderRunPage(report: Report): Promise<string> {
  const assets = await pageAssets();
  const charts: ChartSpec[] = [];
  const sections = report.scenarios.map((s, i) => {
    const mine = scenarioCharts(s, i);
    charts.push(...mine);
    return scenarioSection(s, i, mine);
  });
  const verdict = report.verdict;
  const h = report.host;
  const nav = report.scenarios.map((s, i) => `<li>${verdictBadge(s.verdict)} <a href="#scenario-${i}">${e(s.name)}</a></li>`).join('');
  const duration = Date.parse(report.finishedAt) - Date.parse(report.startedAt);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:;">
<title>seep ${e(verdict)} · ${e(report.runId)}</title>
<style>${assets.uplotCss}</style><style>${assets.css}</style></head>
<body data-verdict="${e(verdict)}">
<header><p><a href="../index.html">← all runs</a></p>
<h1>${verdictBadge(verdict)} seep run <code>${e(report.runId)}</code></h1>
<p class="meta">${e(report.startedAt)} · ${Number.isFinite(duration) ? e(formatDuration(duration)) : ''} · exit code ${report.exitCode} · ${e(h.hostname)} (${e(h.platform)}/${e(h.arch)}, ${h.cpus} CPUs, ${e(formatValue(h.totalMemBytes, 'B'))}) · node ${e(h.node)}${h.python ? ` · python ${e(h.python)}` : ''} · seep ${e(report.seepVersion)}</p>
${shardText(report) === null ? '' : `<p class="meta">${e(shardText(report)!)}</p>\n`}<nav class="scenarios"><ul>${nav}</ul></nav></header>
<main>${sections.join('\n')}</main>
<script type="application/json" id="seep-data">${jsonForScript({ charts })}</script>
<script>${inlineScript(assets.localeGuardJs)}</script>
<script>${inlineScript(assets.uplotJs)}</script>
<script>${inlineScript(assets.chartsJs)}</script>
</body></html>
`;
}
