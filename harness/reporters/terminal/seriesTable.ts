// Series from Prometheus as one table: each series (each life of a restarted one) by its labels,
// its verdict, its slope per hour with the interval, and when it reaches its limit; then the
// failing checks' sentences. `seep judge --prometheus` prints it, and a summary prints it under a
// scenario that drove a deployed service. It reads the checks as the analysis wrote them.
import type { Check, ScenarioReport } from '../../report/runReportSchema.ts';
import { formatDuration, formatSigned, formatValue } from '../formatValue.ts';
import { remoteSeriesLabel, seriesName } from '../../probes/seriesName.ts';
import { checkLine, verdictLabel } from './scenarioVerdict.ts';
import { plainText, type Style } from './style.ts';

/** The check the row shows: the one with a trend per hour (the leak check, or a slope budget in its place). */
function judgedCheck(s: ScenarioReport): Check | undefined {
  return s.checks.find((c) => c.trend?.per === 'hour') ?? s.checks.find((c) => c.kind === 'leak');
}

/** The labels every row has alike say nothing about which row is which: they are said once, above. */
function commonLabels(rows: ScenarioReport[]): Record<string, string> {
  const all = rows.map((s) => s.target.remote?.labels).filter((l): l is Record<string, string> => l !== undefined);
  if (all.length < 2) return {};
  return Object.fromEntries(Object.entries(all[0]!).filter(([k, v]) => all.every((l) => l[k] === v)));
}

function rowName(s: ScenarioReport, common: Record<string, string>): string {
  const r = s.target.remote;
  return r ? remoteSeriesLabel(r, common) : s.name;
}

function slopeCell(c: Check | undefined): string {
  const t = c?.trend;
  if (!t) return c?.measured === false ? 'not measured' : '—';
  const per = `${t.unit}/${t.per}`;
  return `${formatSigned(t.slope, per)} [${formatValue(t.low, per)}, ${formatValue(t.high, per)}]`;
}

const HOUR_MS = 3_600_000;

function limitCell(c: Check | undefined): string {
  const t = c?.timeToLimit;
  if (!t || t.per !== 'hour') return '—';
  if (t.estimate === 0) return `at ${t.limit} already`;
  const span = (h: number | null) => (h === null ? 'never' : formatDuration(h * HOUR_MS));
  return `${t.limit} in ${span(t.estimate)} (${span(t.low)}–${span(t.high)})`;
}

function pad(s: string, n: number): string {
  return s + ' '.repeat(Math.max(0, n - [...s].length));
}

export function seriesTable(rows: ScenarioReport[], style: Style, indent = '  '): string[] {
  if (rows.length === 0) return [];
  const common = commonLabels(rows);
  const cells = rows.map((s) => {
    const c = judgedCheck(s);
    return { s, name: plainText(rowName(s, common)), verdict: c?.trend?.verdict ?? (s.verdict === 'error' ? 'error' : '—'), slope: slopeCell(c), limit: limitCell(c) };
  });
  const w = {
    name: Math.max(6, ...cells.map((c) => [...c.name].length)),
    verdict: Math.max(7, ...cells.map((c) => c.verdict.length)),
    slope: Math.max(21, ...cells.map((c) => c.slope.length)),
  };
  const lines: string[] = [];
  if (Object.keys(common).length > 0) lines.push(`${indent}${style.dim(plainText(`every series: ${seriesName(common)}`))}`);
  lines.push(`${indent}${style.dim(`${pad('', 8)}${pad('series', w.name)}  ${pad('verdict', w.verdict)}  ${pad('slope per hour [95%]', w.slope)}  time to limit`)}`);
  for (const c of cells) {
    lines.push(`${indent}${verdictLabel(c.s.verdict, style)} ${pad(c.name, w.name)}  ${pad(c.verdict, w.verdict)}  ${pad(c.slope, w.slope)}  ${c.limit}`);
  }
  for (const c of cells) {
    const failed = c.s.checks.filter((x) => !x.pass);
    if (failed.length === 0 && !c.s.error) continue;
    lines.push(`${indent}${style.bold(c.name)}:`);
    if (c.s.error) lines.push(`${indent}    ${style.yellow(plainText(c.s.error))}`);
    lines.push(...failed.map((x) => indent + checkLine(x, style).trimStart().replace(/^/, '  ')));
  }
  return lines;
}
