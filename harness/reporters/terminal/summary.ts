// The end-of-run summary: one line per scenario (and, for a soak, its restarts, recycled workers,
// latency and alerts), then charts of RSS and of every failing resource.
import type { Writable } from 'node:stream';
import type { Report, Resource } from '../../report/runReportSchema.ts';
import { formatSigned } from '../formatValue.ts';
import { attachedText, calibrationText, describeCheck, observerText, rssGrowth, rssSlope, stepTimeText, worstCheck, wouldHaveCaught } from '../scenarioHeadlines.ts';
import { resourceChart, verdictLabel } from './scenarioVerdict.ts';
import { seriesTable } from './seriesTable.ts';
import { soakLines } from './soakLines.ts';
import { knownLeaksCount, knownLeaksFileLine } from '../leakText.ts';
import { agentlessLines, retriesText, startupText } from '../setupText.ts';
import { makeStyle, plainLines, plainText } from './style.ts';

export interface SummaryOptions {
  color: boolean;
  /**
   * `seep run` printed each scenario's block as it ended, its error in it: the summary names an
   * errored scenario without saying the cause again. `seep report` and `seep merge` print no blocks:
   * the cause goes here.
   */
  errorsShownAbove?: boolean;
}

export function printSummary(report: Report, out: Writable, opts: SummaryOptions): void {
  const style = makeStyle(opts.color);
  const count = (v: string): number => report.scenarios.filter((s) => s.verdict === v).length;
  const lines = [
    '',
    `${verdictLabel(report.verdict, style)} seep run ${plainText(report.runId)}: ${count('pass')} passed, ${count('fail')} failed, ${count('error')} errored`,
  ];
  const causes: string[] = [];
  for (const s of report.scenarios) {
    const worst = worstCheck(s);
    const growth = rssGrowth(s);
    const error = s.error && (s.verdict === 'error' || !worst) ? s.error : null;
    if (error && !opts.errorsShownAbove) causes.push('', style.bold(plainText(s.name)), ...plainLines(error).split('\n').map((l) => `    ${style.yellow(l)}`));
    const facts = [
      // a scenario that could not run says so before any check it still had; its cause is said once, in its block
      error ? (opts.errorsShownAbove ? 'could not run (the cause is above, where it ended)' : 'could not run (the cause is below)') : worst ? describeCheck(worst) : null,
      growth === null ? null : `rss ${formatSigned(growth, 'B')}`,
      rssSlope(s),
      s.cutShort ? plainText(s.cutShort.replace(/; report rebuilt from .*/, '')) : null,
    ].filter(Boolean);
    lines.push(`  ${verdictLabel(s.verdict, style)} ${plainText(s.name)}${facts.length ? style.dim('  ' + facts.join(' · ')) : ''}`);
    lines.push(...soakLines(s, style, '          '));
    const attached = attachedText(s);
    if (attached) lines.push(`          ${style.dim(plainText(attached))}`);
    for (const line of agentlessLines(s)) lines.push(`          ${style.yellow(plainText(line))}`);
    const startup = startupText(s);
    if (startup) lines.push(`          ${style.dim(plainText(startup))}`);
    const retried = retriesText(s);
    if (retried) lines.push(`          ${style.dim(plainText(retried))}`);
    const caught = wouldHaveCaught(s);
    if (caught) lines.push(`          ${style.dim(caught)}`);
    const known = knownLeaksCount(s);
    if (known) lines.push(`          ${style.dim(known)}`);
    const calibration = calibrationText(s);
    if (calibration) lines.push(`          ${s.calibration?.outcome === 'missed' ? style.red(plainText(calibration)) : style.dim(plainText(calibration))}`);
    const steps = stepTimeText(s);
    if (steps) lines.push(`          ${style.dim(steps)}`);
    const observer = observerText(s);
    if (observer) lines.push(`          ${style.dim(observer)}`);
    if (s.replicas?.length) lines.push(...seriesTable(s.replicas, style, '          '));
  }
  // the known-leaks file belongs to the list of scenarios above; the causes follow it
  const file = knownLeaksFileLine(report);
  if (file) lines.push(`  ${style.dim(plainText(file))}`);
  lines.push(...causes);
  for (const s of report.scenarios) {
    const failing = [...new Set(s.checks.filter((c) => !c.pass).map((c) => c.resource))].filter((r): r is Resource => r !== 'rss');
    const charts = ['rss' as Resource, ...failing].flatMap((r) => resourceChart(s, r, style));
    if (charts.length === 0) continue;
    lines.push('', style.bold(plainText(s.name)), ...charts);
  }
  out.write(lines.join('\n') + '\n');
}
