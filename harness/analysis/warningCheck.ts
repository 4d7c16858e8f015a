// leak.warnings: the known leak warnings (scenario/leakWarnings.ts) are leaks with no budget, judged
// by what they cost. One check, failing when any was printed while the target ran, naming each with
// its count and rate and its first line. A dependency's hygiene warning (a ResourceWarning raised in
// an installed package) fails only when fds, sockets or handles grew too; else it is listed with its
// rate and passes (`output.forbid` fails on it for a team that wants none). Where the agents counted
// the warnings, the counts are theirs: every occurrence, where Python prints one per location. What
// the target printed while it started, before the first step, is its start-up's: reported, not
// counted. A Python warning raised as an interpreter finalizes (`sys:1:`, a recycled worker exiting)
// is an exit's. At exit a warning counts only when printed at least once per two measured steps
// (tasks or loops made per step and destroyed at exit); a one-off at exit is reported, not failed.
// Lines the scenario allows are not counted. Present for every run whose output was watched for them.
import type { Check, WarningGroup } from '../report/runReportSchema.ts';
import { DEPENDENCY_RESOURCE_WARNING, LEAK_WARNINGS } from '../scenario/leakWarnings.ts';
import { notMeasured } from './memoryChecks.ts';
import type { Observations } from '../observations/observations.ts';
import { describeWarningGroup, isDependencyHygiene, isResourceWarning, sinceFirstRead } from './warningCosts.ts';

/** The resources a hygiene warning's object holds: while they come back to baseline, it cost nothing. */
const HELD = ['fds', 'sockets', 'handles'] as const;
const HYGIENE = new Set(LEAK_WARNINGS.filter((w) => w.hygiene).map((w) => w.name));
/** groups named in a message, the most frequent first */
const NAMED_GROUPS = 3;

const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;

function groupsText(groups: WarningGroup[]): string {
  if (groups.length === 0) return '';
  const shown = [...groups].sort((a, b) => (b.perStep ?? 0) - (a.perStep ?? 0) || b.total - a.total).slice(0, NAMED_GROUPS);
  return ` (${shown.map(describeWarningGroup).join('; ')}${groups.length > NAMED_GROUPS ? `; ${groups.length - NAMED_GROUPS} more` : ''})`;
}

export function warningCheck(obs: Observations, checks: Check[] = []): Check | null {
  const lines = obs.output.warningCounts;
  if (!lines) return null;
  if (obs.outputUnread) return { ...notMeasured('leak.warnings', 'output', { written: '0', value: 0 }, 'warnings', obs.outputUnread), kind: 'leak' };
  const grown = checks.filter((c) => (HELD as readonly string[]).includes(c.resource) && !c.pass && c.measured !== false).map((c) => c.resource);
  // the agents' counts, where they counted: every occurrence, and whose code each came from
  const counted = (obs.warningCounts ?? []).filter(isResourceWarning);
  const byAgent = obs.warningCounts !== undefined && obs.warningCounts.length > 0;
  const dependency = counted.filter(isDependencyHygiene);
  const own = counted.filter((g) => !isDependencyHygiene(g));
  const sum = (gs: WarningGroup[]) => gs.reduce((n, g) => n + sinceFirstRead(g), 0);
  const runCount = (name: string): { n: number; groups: WarningGroup[] } => {
    const printed = lines[name] ?? 0;
    if (!byAgent) return { n: printed, groups: [] };
    if (name === DEPENDENCY_RESOURCE_WARNING) return { n: sum(dependency), groups: dependency };
    if (name === 'ResourceWarning') return { n: Math.max(printed, sum(own)), groups: own };
    return { n: printed, groups: [] };
  };
  const atExit = obs.output.shutdownWarningCounts ?? {};
  const perStep = Math.max(2, obs.measuredIterations / 2);
  const judged = Object.keys(lines).map((name) => {
    const exit = atExit[name] ?? 0;
    const { n, groups } = runCount(name);
    return { name, run: n, groups, exit, exitCounts: exit >= perStep, hygiene: HYGIENE.has(name) };
  });
  const seen = judged.filter((w) => w.run > 0 || w.exitCounts);
  const excusedHygiene = seen.filter((w) => w.hygiene && grown.length === 0);
  const failing = seen.filter((w) => !excusedHygiene.includes(w));
  const total = failing.reduce((sum, w) => sum + w.run + (w.exitCounts ? w.exit : 0), 0);
  const first = (name: string) => obs.output.warningExamples?.[name]?.[0];
  const found = failing.map((w) => {
    const why = w.hygiene ? ` while ${grown.join(', ')} did not come back to baseline: counted as a leak` : '';
    return `${w.name} x${w.run + (w.exitCounts ? w.exit : 0)}${w.exitCounts ? ` (${w.exit} at exit)` : ''}${groupsText(w.groups)}${why}${first(w.name) ? `, first: ${first(w.name)}` : ''}`;
  });
  const hygiene = excusedHygiene.map((w) => `${w.name}, not failed: ${times(w.run)}${groupsText(w.groups)}; fds, sockets and handles came back to baseline, so it is that package's hygiene warning (output.forbid fails on it)`);
  const excused = judged.filter((w) => w.exit > 0 && !w.exitCounts).map((w) => `${w.name} x${w.exit} at exit, the service's shutdown or a process's (fewer than one per two measured steps: not counted)`);
  // printed before the first step: the target's start-up, which is no step's doing
  for (const [name, n] of Object.entries(obs.output.startupWarningCounts ?? {})) {
    if (n > 0) excused.push(`${name} x${n} while starting, before the first step (start-up: reported, not judged)`);
  }
  const none = `no known leak warning printed (${judged.length} watched)`;
  return {
    id: 'leak.warnings', resource: 'output', kind: 'leak', limitValue: 0, observed: total, unit: 'warnings', pass: total === 0,
    message: [total === 0 && hygiene.length === 0 ? none : '', ...found, ...hygiene, ...excused].filter((m) => m !== '').join('; '),
  };
}
