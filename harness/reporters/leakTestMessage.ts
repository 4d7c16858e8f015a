// What a failed or errored leak test (seep/vitest) says: the failing checks with their numbers,
// the top suspects with where they are held or allocated, the heap snapshots kept, and the HTML
// report, in plain text (a test runner's output is often a CI log). Drawn from the scenario's report
// alone, like every other view.
import type { ScenarioReport, Suspect } from '../report/runReportSchema.ts';
import { noWhereLine, suspectTextLines } from './leakTraceLines.ts';
import { formatDuration, formatSigned } from './formatValue.ts';
import { calibrationText } from './scenarioHeadlines.ts';
import { checkLine } from './terminal/scenarioVerdict.ts';
import { makeStyle, plainLines, plainText } from './terminal/style.ts';

const PLAIN = makeStyle(false);
/** a retainer path runs from a GC root through the runtime's own objects: the end names what holds the leak */
const PATH_TAIL = 6;

export interface LeakTestPaths {
  /** the run's HTML page, as the message should show it */
  page: string;
  /** the run's folder, as the message should show it: artifacts are relative to it */
  runDir: string;
}

function suspectLines(x: Suspect): string[] {
  const head = `    ${plainText(x.name)} ${formatSigned(x.countDelta, '')} (${x.perIteration}/iteration, ${formatSigned(x.bytesDelta, 'B')})`;
  if (x.trace || x.holds) return [head, ...suspectTextLines(x).map((l) => `      ${l}`)];
  if (x.where.length === 0) return x.noWhere ? [head, `      ${noWhereLine(x.noWhere)}`] : [head];
  const tail = x.where.slice(-PATH_TAIL).map(plainText);
  if (x.runtime === 'node' && x.kind === 'constructor') {
    return [head, `      held by: ${x.where.length > PATH_TAIL ? '… > ' : ''}${tail.join(' > ')}`];
  }
  return [head, ...tail.map((w) => `      ${w}`)];
}

function runFacts(s: ScenarioReport): string {
  return `${s.iterations.warmup}+${s.iterations.measured} iterations, ${formatDuration(s.durationMs)}`;
}

export function leakTestMessage(s: ScenarioReport, paths: LeakTestPaths): string {
  const lines: string[] = [];
  if (s.verdict === 'error') {
    lines.push(`leak test '${plainText(s.name)}' could not run: ${plainLines(s.error ?? 'no cause recorded')}`);
    const tail = s.output.tail.slice(-8);
    if (tail.length > 0) lines.push('  the target\'s last output:', ...tail.map((l) => `    ${l.stream}: ${plainText(l.text)}`));
  } else {
    const failed = s.checks.filter((c) => !c.pass);
    lines.push(`leak test '${plainText(s.name)}' failed ${failed.length} check${failed.length === 1 ? '' : 's'} (${runFacts(s)}):`);
    if (s.cutShort) lines.push(`  ${plainText(s.cutShort)}`);
    lines.push(...failed.map((c) => checkLine(c, PLAIN)));
    const calibration = calibrationText(s);
    if (calibration && s.calibration?.outcome === 'missed') lines.push(`  ${plainText(calibration)}`);
    // in the analysis's order: a class the user wrote before the strings it holds, whatever their bytes
    const suspects = s.suspects.slice(0, 3);
    if (suspects.length > 0) lines.push('  top suspects:', ...suspects.flatMap(suspectLines));
  }
  const snapshots = (s.artifacts ?? []).filter((a) => a.endsWith('.heapsnapshot'));
  if (snapshots.length > 0) lines.push('  heap snapshots:', ...snapshots.map((a) => `    ${paths.runDir}/${a}`));
  for (const p of s.probeErrors ?? []) lines.push(`  probe: ${plainText(p)}`);
  lines.push(`  report: ${paths.page}`);
  return lines.join('\n');
}
