// The lines that close a scenario in the terminal: verdict, failed checks with their numbers,
// the top suspects, and an RSS chart across iterations. Shared by live progress and the summary.
import type { Metric } from '../../report/sampleSchema.ts';
import type { Check, Resource, ScenarioReport } from '../../report/runReportSchema.ts';
import { formatDuration, formatSigned, formatValue } from '../formatValue.ts';
import { calibrationText, observerText, stepTimeText, wouldHaveCaught } from '../scenarioHeadlines.ts';
import { asciiChart } from './asciiChart.ts';
import { leakLines } from './leakLines.ts';
import { limitLineOf, limitLinePhrase } from '../limitLines.ts';
import { suspectHeadline, suspectTextLines } from '../leakTraceLines.ts';
import { soakLines } from './soakLines.ts';
import { plainLines, plainText, type Style } from './style.ts';

const RESOURCE_METRIC: Partial<Record<Resource, Metric>> = {
  rss: 'rss', heap: 'heapUsed', fds: 'fds', sockets: 'sockets', threads: 'threads', children: 'children', handles: 'handles', orphans: 'escaped',
  disk: 'diskBytes', stepTime: 'stepMs',
};
const BYTE_METRICS: readonly Metric[] = ['rss', 'heapUsed', 'diskBytes', 'tmpBytes'];

/** Disk is drawn where its check found the growth: the temp dir, or the files written. */
function metricOf(s: ScenarioReport, resource: Resource): Metric | undefined {
  if (resource !== 'disk') return RESOURCE_METRIC[resource];
  const first = s.checks.find((c) => c.resource === 'disk' && !c.pass)?.diskTrends?.find((t) => t.leaks);
  return first?.kind === 'temp' ? 'tmpBytes' : 'diskBytes';
}

export function verdictLabel(verdict: ScenarioReport['verdict'], style: Style): string {
  if (verdict === 'pass') return style.green('✔ PASS ');
  if (verdict === 'fail') return style.red('✘ FAIL ');
  return style.yellow('⚠ ERROR');
}

export function headline(s: ScenarioReport, style: Style): string {
  const iters = `${s.iterations.warmup}+${s.iterations.measured} iterations`;
  return `${verdictLabel(s.verdict, style)} ${style.bold(plainText(s.name))} ${style.dim(`(${formatDuration(s.durationMs)}, ${iters})`)}`;
}

export function checkLine(c: Check, style: Style): string {
  const limit = c.limit ?? (c.limitValue === undefined ? undefined : formatValue(c.limitValue, c.unit));
  const numbers = `${formatValue(c.observed, c.unit)}${limit === undefined ? '' : ` ${c.pass ? '≤' : '>'} ${limit}`}`;
  const slope = c.trend ? ` · ${c.trend.verdict} ${formatSigned(c.trend.slope, `${c.trend.unit}/${c.trend.per}`)}` : '';
  return `    ${c.pass ? style.green('✔') : style.red('✘')} ${c.id}  ${style.bold(numbers)}${slope} ${style.dim('— ' + plainText(c.message))}`;
}

/** A chart of one resource across iterations, with the first limit line a check on it carries, in red. */
export function resourceChart(s: ScenarioReport, resource: Resource, style: Style): string[] {
  const metric = metricOf(s, resource);
  if (!metric) return [];
  const values = s.series.boundaries.values[metric] ?? [];
  const bytes = BYTE_METRICS.includes(metric);
  const limited = s.checks.find((c) => c.series === metric && c.limitLine !== undefined);
  const level = limited?.limitLine ?? null;
  const chart = asciiChart(values, { bytes, color: style.color, limit: level, indent: '      ' });
  if (chart.length === 0) return [];
  // the line drawn in red, said as what it is: a budget, an alert level, a default check's baseline level
  const what = limited && level !== null ? ` (${limitLinePhrase(limitLineOf(limited, level, bytes ? 'B' : ''), level, bytes ? 'B' : '')})` : '';
  const title = `    ${metric} by iteration${what}:`;
  return [style.dim(title), ...chart];
}

export function scenarioEndLines(s: ScenarioReport, style: Style): string[] {
  const lines = [headline(s, style)];
  // the cause with its own line breaks (a target's last stderr lines), each line indented under the name
  if (s.error) lines.push(...plainLines(s.error).split('\n').map((l) => `    ${style.yellow(l)}`));
  if (s.cutShort) lines.push(`    ${style.yellow(plainText(s.cutShort))}`);
  for (const c of s.checks.filter((x) => !x.pass)) lines.push(checkLine(c, style));
  lines.push(...leakLines(s, style));
  const caught = wouldHaveCaught(s);
  if (caught) lines.push(`    ${style.dim(caught)}`);
  const calibration = calibrationText(s);
  if (calibration) lines.push(`    ${s.calibration?.outcome === 'missed' ? style.red(plainText(calibration)) : style.dim(plainText(calibration))}`);
  const steps = stepTimeText(s);
  if (steps) lines.push(`    ${s.headlines.stepTime?.trend.verdict === 'leak' ? style.yellow(steps) : style.dim(steps)}`);
  const observer = observerText(s);
  if (observer) lines.push(`    ${style.dim(observer)}`);
  lines.push(...soakLines(s, style));
  for (const p of s.probeErrors ?? []) lines.push(`    ${style.yellow('probe:')} ${plainText(p)}`);
  for (const n of s.notes ?? []) lines.push(style.dim(`    note: ${plainText(n)}`));
  // in the analysis's order: a class the user wrote before the strings it holds, whatever their bytes
  const suspects = s.suspects.slice(0, 3);
  if (suspects.length) {
    lines.push(style.dim('    top suspects:'));
    suspects.forEach((x, i) => {
      lines.push(`      ${i + 1}. ${plainText(suspectHeadline(x))}`);
      // LeakCanary's trace: a line per reference, the developer's own names marked
      const mark = (t: string) => `${style.bold(t)}  ${style.dim('◀ yours')}`;
      for (const l of suspectTextLines(x, mark)) lines.push(`         ${l.startsWith('holds ') ? style.dim(l) : l}`);
    });
  }
  const a = s.attribution;
  if (a && a.cutShort.length > 0) {
    lines.push(style.dim(`    naming suspects took ${formatDuration(a.usedMs)} of its ${formatDuration(a.budgetMs)}; cut short:`));
    for (const c of a.cutShort) lines.push(`      ${style.yellow(plainText(c))}`);
  }
  lines.push(...resourceChart(s, 'rss', style));
  return lines;
}
