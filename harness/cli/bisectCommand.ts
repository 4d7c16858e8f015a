// `seep bisect <good> <bad> [scenario files or dirs...]`: the first commit between two whose run is
// worse than the good commit's, as `seep compare` judges it (analysis/compareRuns.ts: a figure worse
// beyond the tolerance, or a check that passed and fails). git bisect picks the commits, in a
// temporary worktree (bisectWorktree.ts); a commit whose --setup fails or whose scenarios cannot run
// is skipped (git bisect skip). Every commit's run folder is kept under reports/bisect-<id>/.
// Exit 0 the first bad commit named; 1 <bad> is not worse than <good>; 2 cannot bisect (usage, not a
// git repository, <good> could not run, only skipped commits left), or interrupted.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExitCode } from '../report/runReportSchema.ts';
import type { RunComparison } from '../report/comparisonSchema.ts';
import { compareRuns, type StoredRun } from '../analysis/compareRuns.ts';
import { DEFAULT_TOLERANCE } from '../analysis/slopeDifference.ts';
import { newRunId } from '../assembly/runId.ts';
import { renderComparisonPage } from '../reporters/html/comparisonPage.ts';
import { comparisonLines } from '../reporters/terminal/comparisonTable.ts';
import { terminalOptions } from '../reporters/terminal/index.ts';
import { findProjectRoot } from '../scenario/loadScenario.ts';
import { openBisectWorktree, type StepVerdict } from './bisectWorktree.ts';
import { runCommit, type CommitRun } from './commitRun.ts';
import { writeOutput } from './compareCommand.ts';
import { git, GitError } from './gitRepo.ts';
import { toleranceFlag, UsageError, wholeNumber, type Values } from './options.ts';

interface Step {
  sha: string;
  subject: string;
  verdict: StepVerdict;
  reason: string;
  runDir?: string;
}

async function commitOf(repo: string, given: string, role: string): Promise<string> {
  try {
    return (await git(['rev-parse', '--verify', '--quiet', `${given}^{commit}`], repo)).trim();
  } catch (err) {
    if (err instanceof GitError) throw new UsageError(`<${role}> '${given}': not a commit of ${repo}`);
    throw err;
  }
}

/** The scenario arguments as the worktree sees them: a path inside the repository moves with it, one outside stays. */
function inWorktree(targets: string[], cwd: string, repo: string): string[] {
  return targets.map((t) => {
    const abs = path.resolve(cwd, t);
    const inRepo = path.relative(repo, abs);
    return inRepo.startsWith('..') || path.isAbsolute(inRepo) ? abs : path.relative(cwd, abs) || '.';
  });
}

/** What compare said of a step's run against good's: which figures or checks got worse, or none. */
function stepVerdict(c: RunComparison): { verdict: StepVerdict; reason: string } {
  if (c.exitCode === 2) return { verdict: 'skip', reason: `cannot be compared with good: ${c.incomparable.join('; ')}` };
  const worse = c.scenarios.flatMap((s) => s.worse.map((w) => (c.scenarios.length > 1 ? `${s.name}: ${w}` : w)));
  return worse.length > 0 ? { verdict: 'bad', reason: `worse than good: ${worse.join(', ')}` } : { verdict: 'good', reason: 'not worse than good' };
}

export async function bisectCommand(args: string[], values: Values): Promise<ExitCode> {
  const [goodArg, badArg, ...targets] = args;
  if (!goodArg || !badArg) throw new UsageError('seep bisect takes two commits: seep bisect <good> <bad> [scenario files or dirs...]');
  if (values.baseline !== undefined || values.duration !== undefined) throw new UsageError('seep bisect runs counted scenarios against <good>: no --baseline or --duration');
  const cwd = process.cwd();
  const tolerance = toleranceFlag(values.tolerance, DEFAULT_TOLERANCE);
  const passed = [
    ...(wholeNumber('iterations', values.iterations, 1) === undefined ? [] : ['--iterations', values.iterations!]),
    ...(wholeNumber('warmup', values.warmup, 0) === undefined ? [] : ['--warmup', values.warmup!]),
    ...(values.only === undefined ? [] : ['--only', values.only]),
  ];
  let repo: string;
  try {
    repo = (await git(['rev-parse', '--show-toplevel'], cwd)).trim();
  } catch (err) {
    if (!(err instanceof GitError)) throw err;
    console.error(`seep: bisect: ${cwd} is not in a git repository`);
    return 2;
  }
  const good = await commitOf(repo, goodArg, 'good');
  const bad = await commitOf(repo, badArg, 'bad');
  if (good === bad || !(await git(['merge-base', '--is-ancestor', good, bad], repo).then(() => true, () => false))) {
    throw new UsageError(`<good> ${goodArg} must be an ancestor of <bad> ${badArg}`);
  }
  const between = Number((await git(['rev-list', '--count', `${good}..${bad}`], repo)).trim());
  const projectRoot = await findProjectRoot(cwd);
  const bisectDir = path.resolve(cwd, values['report-dir'] ?? path.join(projectRoot, 'reports'), `bisect-${newRunId()}`);
  // leaks are judged as found, whatever a commit's known-leaks file accepts: bisect compares runs, not gates
  const runArgs = [...inWorktree(targets, cwd, repo), '--no-known-leaks', ...passed];
  const rel = path.relative(repo, cwd);
  const short = (sha: string) => sha.slice(0, 10);
  const subject = async (sha: string) => (await git(['log', '-1', '--format=%s', sha], repo)).trim();

  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    console.error(`\nseep: ${sig}: stopping the run under way; the worktree is removed`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const worktree = await openBisectWorktree(repo, good);
  const steps: Step[] = [];
  const runs = new Map<string, CommitRun>();
  let count = 0;
  const runAt = async (sha: string, label: string): Promise<CommitRun> => {
    const r = await runCommit({ worktree: worktree.dir, cwd: path.join(worktree.dir, rel), dir: path.join(bisectDir, `${String(++count).padStart(2, '0')}-${label}-${short(sha)}`), setup: values.setup, runArgs, signal: abort.signal });
    runs.set(sha, r);
    return r;
  };
  try {
    console.log(`seep bisect: ${between} commit${between === 1 ? '' : 's'} after ${short(good)} up to ${short(bad)}; runs in ${path.relative(cwd, bisectDir)}`);
    const goodRun = await runAt(good, 'good');
    if (goodRun.kind === 'skip' || goodRun.run.report.scenarios.some((s) => s.verdict === 'error')) {
      const why = goodRun.kind === 'skip' ? goodRun.reason : goodRun.run.report.scenarios.filter((s) => s.verdict === 'error').map((s) => `${s.name}: ${s.error ?? 'error'}`).join('; ');
      console.error(`seep: bisect: <good> ${short(good)} could not run, so there is nothing to compare with: ${why}`);
      return 2;
    }
    const base: StoredRun = goodRun.run;
    console.log(`  good   ${short(good)}  ${await subject(good)}  (the run every commit is compared with)`);
    const test = async (sha: string): Promise<StepVerdict> => {
      const r = await runAt(sha, 'step');
      const judged = abort.signal.aborted ? { verdict: 'skip' as const, reason: 'interrupted' } : r.kind === 'skip' ? { verdict: 'skip' as const, reason: r.reason } : stepVerdict(compareRuns(base, r.run, { tolerance }));
      const step: Step = { sha, subject: await subject(sha), ...judged, ...(r.kind === 'ran' ? { runDir: r.runDir } : {}) };
      steps.push(step);
      console.log(`  ${step.verdict.padEnd(5)}  ${short(sha)}  ${step.subject}  (${step.reason})`);
      if (abort.signal.aborted) throw new Error('interrupted');
      return step.verdict;
    };
    const end = await worktree.bisect(good, bad, test);
    if ('onlySkipped' in end) {
      console.error(`seep: bisect: only skipped commits are left; the first bad commit is one of: ${end.onlySkipped.map(short).join(', ')}`);
      await writeSummary(bisectDir, { good, bad, goodRunDir: goodRun.runDir, steps, firstBad: null, candidates: end.onlySkipped });
      return 2;
    }
    let badRun = runs.get(end.firstBad);
    if (!badRun) {
      // git names <bad> itself when every commit it tested was good: its run is the one to show
      await worktree.checkout(end.firstBad);
      await test(end.firstBad);
      badRun = runs.get(end.firstBad)!;
    }
    if (badRun.kind === 'skip' || steps.find((s) => s.sha === end.firstBad)?.verdict !== 'bad') {
      console.error(`seep: bisect: <bad> ${short(bad)} is not worse than <good> ${short(good)} by the rule of seep compare (--tolerance ${Math.round(tolerance * 100)}%): nothing to name`);
      await writeSummary(bisectDir, { good, bad, goodRunDir: goodRun.runDir, steps, firstBad: null });
      return 1;
    }
    const comparison = compareRuns(base, badRun.run, { tolerance });
    const page = path.join(bisectDir, 'compare.html');
    await writeOutput(page, await renderComparisonPage(comparison));
    await writeSummary(bisectDir, { good, bad, goodRunDir: goodRun.runDir, steps, firstBad: end.firstBad });
    const runsMade = [...runs.values()].filter((r) => r.kind === 'ran').length;
    console.log(`\nfirst bad commit: ${end.firstBad}  ${await subject(end.firstBad)}`);
    console.log((await git(['log', '-1', '--format=%an <%ae>, %ad', end.firstBad], repo)).trim());
    const skipped = steps.filter((s) => s.verdict === 'skip').length;
    console.log(`(${runsMade} run${runsMade === 1 ? '' : 's'} of the scenarios, ${skipped} commit${skipped === 1 ? '' : 's'} skipped)\n`);
    for (const line of comparisonLines(comparison, { color: terminalOptions(process.env, process.stdout).color })) console.log(line);
    console.log(`\ncomparison: ${path.relative(cwd, page)}\nruns: ${path.relative(cwd, bisectDir)}`);
    return 0;
  } catch (err) {
    if (abort.signal.aborted) return 2;
    if (err instanceof GitError) {
      console.error(`seep: bisect: ${err.message}`);
      return 2;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await worktree.close();
  }
}

async function writeSummary(dir: string, summary: { good: string; bad: string; goodRunDir: string; steps: Step[]; firstBad: string | null; candidates?: string[] }): Promise<void> {
  await writeFile(path.join(dir, 'bisect.json'), JSON.stringify(summary, null, 1) + '\n');
}
