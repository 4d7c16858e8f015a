// The frame every self-contained page of seep shares (a run's page, a comparison): head with the
// content policy and inlined styles, the caller's header and main, the chart data as one JSON island,
// then the locale guard, uPlot and our chart script inlined. Opens from disk; fetches nothing.
import type { ChartSpec } from './chartModel.ts';
import { escapeHtml as e, jsonForScript } from './escapeHtml.ts';
import { inlineScript, pageAssets } from './pageAssets.ts';

export interface ChartPageParts {
  title: string;
  /** attributes of <body>, already escaped: what tests and scripts read (data-verdict, ...) */
  bodyAttributes: string;
  /** HTML of the header and of main */
  header: string;
  main: string;
  charts: ChartSpec[];
}

export async function renderChartPage(p: ChartPageParts): Promise<string> {
  const assets = await pageAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src 'self' data:;">
<title>${e(p.title)}</title>
<style>${assets.uplotCss}</style><style>${assets.css}</style></head>
<body ${p.bodyAttributes}>
<header>${p.header}</header>
<main>${p.main}</main>
<script type="application/json" id="seep-data">${jsonForScript({ charts: p.charts })}</script>
<script>${inlineScript(assets.localeGuardJs)}</script>
<script>${inlineScript(assets.uplotJs)}</script>
<script>${inlineScript(assets.chartsJs)}</script>
</body></html>
`;
}
