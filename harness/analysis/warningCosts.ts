// Warnings judged by what they cost. Pure: the agents' counts (every occurrence, where Python prints
// one per location), each group with its rate per measured step (observations/warningReads.ts), and
// which of them are a dependency's hygiene warning: a ResourceWarning about an object an installed package
// leaves to be closed when freed, which costs nothing while the resource it holds (an fd, a socket,
// a handle) does not stay open. aiohttp's and asyncio's leak warnings are never hygiene, wherever
// they come from: a session, connector, loop or transport left open is the leak itself.
import type { Suspect, WarningGroup } from '../report/runReportSchema.ts';
import { countedWarningName } from './pythonWarnings.ts';
import { LEAK_WARNINGS } from '../scenario/leakWarnings.ts';

/** The known leak warnings matched before ResourceWarning in the table: aiohttp's and asyncio's. */
const NEVER_HYGIENE = LEAK_WARNINGS.slice(0, LEAK_WARNINGS.findIndex((w) => w.hygiene === true));
const ASYNC_LIBRARIES = /[\\/](asyncio|aiohttp)[\\/]/;

/** A ResourceWarning group the leak.warnings check counts (not aiohttp's or asyncio's own warnings). */
export function isResourceWarning(g: WarningGroup): boolean {
  if (g.category !== 'ResourceWarning') return false;
  const line = `${g.raisedAt}: ResourceWarning: ${g.message}`;
  return !NEVER_HYGIENE.some((w) => w.pattern.test(line));
}

/** A dependency's hygiene warning: raised about an object an installed package made, not aiohttp's or asyncio's. */
export function isDependencyHygiene(g: WarningGroup): boolean {
  return isResourceWarning(g) && g.origin === 'dependency' && !ASYNC_LIBRARIES.test(g.raisedAt) && !ASYNC_LIBRARIES.test(g.originFrame);
}

/** Occurrences from the first read on: what was raised before it (the start-up) is not judged here. */
export function sinceFirstRead(g: WarningGroup): number {
  return Math.max(0, g.total - g.atFirstRead);
}

/** "5 per measured step" / "1 per measured step" / "none in the measured steps (3 in all)". */
export function warningRate(g: WarningGroup): string {
  if (g.perStep === null) return `${g.total} in all`;
  if (g.perStep === 0) return `none in the measured steps (${g.total} in all)`;
  const n = g.perStep >= 10 ? g.perStep.toFixed(0) : Number(g.perStep.toFixed(2)).toString();
  return `${n} per measured step`;
}

/** "unclosed scandir iterator <posix.ScandirIterator> raised at dirscan/__init__.py:21, 5 per measured step" */
export function describeWarningGroup(g: WarningGroup): string {
  const where = g.origin === 'dependency' || !g.site ? g.raisedAt || g.originFrame : g.site;
  return `${g.what}${where ? ` at ${where}` : ''}, ${warningRate(g)}`;
}

/**
 * The warnings that grew over the measured steps, as suspects: named as the looks after the run name
 * Python's ("ResourceWarning: unclosed <socket.socket> at app.py:41"), at their rate per measured step.
 */
export function warningSuspects(groups: WarningGroup[]): Suspect[] {
  return groups
    .filter((g) => g.perStep !== null && g.perStep > 0)
    .sort((a, b) => b.perStep! - a.perStep!)
    .map((g) => ({
      runtime: 'python', kind: 'warning', name: countedWarningName(g),
      countDelta: g.atMeasuredEnd - g.atBaseline, perIteration: g.perStep!, bytesDelta: 0, where: g.allocated,
    }));
}
