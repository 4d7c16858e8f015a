// `seep accept <run-dir>`: the leaks a run found, written into the known-leaks file as accepted,
// for review in the change that adds it. Exit 0 written (or nothing new to accept), 2 a run or file
// that cannot be read, or no one to accept it (git config user.name). See docs/known-leaks.md.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { shortSignature, type ExitCode, type ScenarioLeak } from '../report/runReportSchema.ts';
import { scenarioLeaks } from '../analysis/scenarioLeaks.ts';
import { findProjectRoot } from '../scenario/loadScenario.ts';
import { knownLeaksText, parseKnownLeaks } from '../scenario/knownLeaksFile.ts';
import { parseDuration, UnitError } from '../scenario/units.ts';
import { acceptLeaks } from './acceptEntries.ts';
import { gitIdentity } from './gitRepo.ts';
import { KnownLeaksFileError, knownLeaksName, knownLeaksPath, readKnownLeaksText } from './knownLeaksOption.ts';
import { toleranceFlag, UsageError, type Values } from './options.ts';
import { readStoredRun, StoredRunError } from './readStoredRun.ts';

/** the ceiling's headroom over the accepted rate, unless --tolerance says */
const DEFAULT_HEADROOM = 0.5;

/** --expires: a date, or a time from today ('30d'). */
function expiresFlag(value: string | undefined, today: string): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return value;
  try {
    return new Date(Date.parse(`${today}T00:00:00Z`) + parseDuration(value)).toISOString().slice(0, 10);
  } catch (err) {
    if (!(err instanceof UnitError)) throw err;
  }
  throw new UsageError(`--expires: expected a date YYYY-MM-DD or a time from today such as '30d', got '${value}'`);
}

export async function acceptCommand(args: string[], values: Values, now = new Date()): Promise<ExitCode> {
  const [runArg, extra] = args;
  if (!runArg || extra) throw new UsageError('seep accept takes one run: seep accept <run-dir> (or its report.json)');
  const cwd = process.cwd();
  const projectRoot = await findProjectRoot(cwd);
  const today = now.toISOString().slice(0, 10);
  const expires = expiresFlag(values.expires, today);
  const headroom = toleranceFlag(values.tolerance, DEFAULT_HEADROOM);
  const { file, given } = knownLeaksPath(values, cwd, projectRoot);
  const name = knownLeaksName(file, projectRoot);
  let stored;
  let existing;
  try {
    stored = await readStoredRun(runArg);
    const text = await readKnownLeaksText(file, given);
    existing = text === null ? [] : parseKnownLeaks(text, name).entries.map(({ ceiling: _, ...e }) => e);
  } catch (err) {
    if (!(err instanceof StoredRunError) && !(err instanceof KnownLeaksFileError)) throw err;
    console.error(`seep: ${err.message}`);
    return 2;
  }
  const by = await gitIdentity(cwd);
  if (by === null) {
    console.error('seep: accept: who accepts these leaks? Set it with git config user.name (and user.email): the file records it');
    return 2;
  }
  // a run stored before leaks were signed has its checks and suspects: sign them as the judge would
  const seen = stored.report.scenarios.flatMap((s) => {
    const leaks: ScenarioLeak[] = s.leaks ?? scenarioLeaks(s.checks, s.suspects, s.file).leaks;
    return leaks.map((leak) => ({ leak, scenario: s.name }));
  });
  const result = acceptLeaks(existing, seen, { by, on: today, note: values.note ?? '', expires, headroom });
  for (const e of result.added) console.log(`accepted leak ${shortSignature(e.signature)}: ${e.leak}${e.maxRate ? ` (ceiling ${e.maxRate})` : ''}`);
  for (const e of result.renewed) console.log(`accepted again leak ${shortSignature(e.signature)}: ${e.leak}${e.maxRate ? ` (ceiling ${e.maxRate})` : ''}`);
  if (result.added.length + result.renewed.length === 0) {
    console.log(seen.length === 0 ? `nothing to accept: run ${stored.report.runId} found no leak` : `nothing to accept: ${name} already accepts every leak of run ${stored.report.runId}`);
    return 0;
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, knownLeaksText(result.entries));
  const noted = values.note ? '' : '; add a note to each new entry (why it is accepted, what would fix it) before you commit it';
  console.log(`\n${name}: ${result.entries.length} known leak${result.entries.length === 1 ? '' : 's'}, accepted by ${by}${expires ? ` until ${expires}` : ''}${noted}`);
  return 0;
}
