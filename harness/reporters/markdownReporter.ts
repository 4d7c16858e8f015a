// The Markdown summary for CI pages (GitHub step summary, MR comments): one table row per
// scenario (a p99 latency column when some scenario ran under load), a line per soak with
// restarts or alerts, the heap per process of pre-fork servers, then the failed checks in words.
import type { Report } from '../report/runReportSchema.ts';
import { formatSigned } from './formatValue.ts';
import { alertSummary, attachedText, calibrationText, describeCheck, latencyP99, latencySplitText, observerText, rssGrowth, rssSlope, stepTimeText, withReplicas, worstCheck, wouldHaveCaught } from './scenarioHeadlines.ts';
import { agentlessLines, retriesText, startupText } from './setupText.ts';
import { processHeapRows } from './processHeapRows.ts';
import { shardText } from './shardText.ts';
import { failingLeaks, knownLeaks, knownLeaksCount, knownLeaksFileLine, leakVerdictLine } from './leakText.ts';
import { plainLines } from './plainText.ts';

const ICON = { pass: '✅', fail: '❌', error: '⚠️' } as const;

/** Text from the target cannot break the table or inject HTML into the rendered page. */
/** A fenced block longer than any run of backticks inside it, so nothing in the text can close it. */
function fenced(text: string): string[] {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return [`  ${fence}text`, ...text.split('\n').map((l) => `  ${l}`), `  ${fence}`];
}

export function mdCell(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_[\]|#]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

export function renderMarkdown(report: Report): string {
  const verdict = report.verdict;
  const underLoad = report.scenarios.some((s) => (s.series.load?.t.length ?? 0) > 0);
  const lines = [
    `## seep ${ICON[verdict]} ${verdict.toUpperCase()}: run ${mdCell(report.runId)}`,
    '',
    ...(shardText(report) === null ? [] : [mdCell(shardText(report)!), '']),
    `| Scenario | Verdict | Worst check | RSS growth | Slope |${underLoad ? ' Latency p99 |' : ''}`,
    `| --- | --- | --- | --- | --- |${underLoad ? ' --- |' : ''}`,
  ];
  // a deployed service's replicas are rows of their own, after the scenario that drove them
  const rows = withReplicas(report.scenarios);
  for (const s of rows) {
    const worst = worstCheck(s);
    const growth = rssGrowth(s);
    lines.push(
      `| ${mdCell(s.name)} | ${ICON[s.verdict]} ${s.verdict} | ${s.error && (s.verdict === 'error' || !worst) ? 'could not run (the cause is below)' : worst ? mdCell(describeCheck(worst)) : '—'} | ${growth === null ? '—' : mdCell(formatSigned(growth, 'B'))} | ${mdCell(rssSlope(s) ?? '—')} |${underLoad ? ` ${mdCell(latencyP99(s) ?? '—')} |` : ''}`,
    );
  }
  const soakNotes = rows.flatMap((s) => {
    const facts = [
      attachedText(s),
      s.restarts ? `${s.restarts} restart${s.restarts === 1 ? '' : 's'}` : null,
      alertSummary(s) === null ? null : `alerts: ${alertSummary(s)!}`,
      wouldHaveCaught(s),
      knownLeaksCount(s),
      calibrationText(s),
      latencySplitText(s) === null ? null : `each answer's latency: ${latencySplitText(s)!}`,
      stepTimeText(s),
      observerText(s),
      ...agentlessLines(s),
      startupText(s),
      retriesText(s),
    ].filter((x): x is string => x !== null);
    return facts.length ? [`- **${mdCell(s.name)}**: ${mdCell(facts.join(' · '))}`] : [];
  });
  if (soakNotes.length) lines.push('', ...soakNotes);
  for (const s of report.scenarios) {
    const heaps = processHeapRows(s);
    if (!heaps.length) continue;
    lines.push('', `**${mdCell(s.name)}**: heap per process (baseline → end)`, '');
    for (const h of heaps) lines.push(`- pid ${h.pid} ${h.role}: ${mdCell(h.figures)}${h.note ? ` (${mdCell(h.note)})` : ''}`);
  }
  const failed = rows.filter((s) => s.verdict !== 'pass');
  if (failed.length) {
    lines.push('');
    for (const s of failed) {
      lines.push(`**${mdCell(s.name)}** (${s.verdict})`);
      // the cause as the target printed it, line breaks kept (its last stderr lines)
      if (s.error) lines.push('- error:', '', ...fenced(plainLines(s.error)), '');
      if (s.cutShort) lines.push(`- ${mdCell(s.cutShort)}`);
      for (const c of s.checks.filter((x) => !x.pass)) lines.push(`- \`${c.id.replace(/`/g, "'")}\`: ${mdCell(c.message)}`);
      for (const l of failingLeaks(s)) lines.push(`- ${mdCell(leakVerdictLine(l))}`);
      lines.push('');
    }
  }
  const known = rows.flatMap((s) => knownLeaks(s).map((l) => `- ${mdCell(s.name)}: ${mdCell(leakVerdictLine(l))}`));
  const file = knownLeaksFileLine(report);
  if (known.length || file) lines.push('', '**Known leaks**', '', ...known, ...(file ? [`- ${mdCell(file)}`] : []));
  return lines.join('\n').trimEnd() + '\n';
}
