// Runs one scenario: start the target, drive it (warmup, measured iterations, settle) while the
// sampler observes it, stop it and everything it left, then hand the observations to analysis.
// Whatever happens, the target and every process carrying the run cookie are gone when this returns.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Leftover, Phase, Sample, ScenarioReport } from '../report/schema.ts';
import type { Scenario, StepContext } from '../scenario/types.ts';
import { createSeriesRecorder } from '../series/seriesRecorder.ts';
import { createOutputWatcher } from '../probes/outputWatcher.ts';
import { createSampler } from '../probes/sampler.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { buildChecks } from '../analysis/buildChecks.ts';
import { headlines } from '../analysis/memoryChecks.ts';
import type { Observations } from '../analysis/observations.ts';
import { scenarioVerdict } from '../verdict/verdict.ts';
import { startTarget, type TargetSession } from './targetSession.ts';
import { raceStep, sleep } from './raceStep.ts';
import { settleReads } from './settle.ts';
import { openRunScope } from './runScope.ts';
import { identityDiff } from './identityDiff.ts';
import { collectOrphans } from './collectOrphans.ts';
import type { ProgressSink } from './progressSink.ts';
import { createSuspectSession, tooLargeToLook, type SuspectSession } from './suspectSession.ts';
import { cliSuspects, removeCliDumps } from '../agents/cliDumps.ts';
import { runSoak } from '../soak/runSoak.ts';
import { isSoak } from '../soak/soakPlan.ts';
import type { MetricsEndpoint } from '../soak/metricsEndpoint.ts';

export interface RunScenarioOptions {
  repoRoot: string;
  /** the scenario file, relative to repoRoot */
  file: string;
  iterations?: number;
  warmup?: number;
  /** aborted on SIGINT/SIGTERM: stop driving, sample, stop the target, report */
  signal?: AbortSignal;
  progress?: ProgressSink;
  /** this run's report folder, for artifacts (heap snapshots) */
  runDir?: string;
  /** --duration: run as a soak for this long, whatever the scenario says */
  duration?: string;
  /** soak: how often the live report is refreshed (default 3 minutes) */
  liveEveryMs?: number;
  /** soak: where current values are published for Prometheus */
  metrics?: MetricsEndpoint;
  /** soak: called with the report so far, for the live view */
  onLive?: (s: ScenarioReport) => Promise<void>;
}

/** Iterations run between the agent's first and second look, after the measured ones. */
const ATTRIBUTION_ITERATIONS = 20;

const DEFAULTS = { iterations: 50, warmup: 3, stepTimeoutMs: 30_000, settleMs: 1000, sampleHz: 4 };

export async function runScenario(scenario: Scenario, opts: RunScenarioOptions): Promise<ScenarioReport> {
  // A duration (or load) makes it a soak, unless --iterations asked for a count on the command line.
  if (opts.duration !== undefined || (isSoak(scenario) && opts.iterations === undefined)) return runSoak(scenario, opts);
  const startedAt = new Date();
  const scope = openRunScope(opts.signal);
  const { now, cookie, abort } = scope;
  const warmup = opts.warmup ?? (typeof scenario.warmup === 'number' ? scenario.warmup : DEFAULTS.warmup);
  const measured = opts.iterations ?? scenario.iterations ?? DEFAULTS.iterations;
  const budgets = scenario.budgets ?? {};

  const output = createOutputWatcher({ forbid: budgets.output?.forbid ?? [] });
  const recorder = createSeriesRecorder();
  const probeErrors: string[] = [];
  let phase: Phase = 'warmup';
  let target: TargetSession | null = null;
  let error: string | undefined;
  let interrupted = false;
  let baselineIndex = -1;
  let measuredRange = null as Observations['measured'];
  let settleRange = null as Observations['settle'];
  let measuredDone = 0;
  let baselineIds: Awaited<ReturnType<ReturnType<typeof createSampler>['identities']>> | null = null;
  let newSinceBaseline: Observations['newSinceBaseline'] = { processes: [], sockets: [], fds: [] };
  let orphans: Leftover[] = [];
  let setupDone = false;

  const sampler = createSampler({ rootPids: () => target?.rootPids() ?? [], cookie });
  let suspects: SuspectSession | null = null;
  const boundary = async (p: Phase, iteration: number | null): Promise<Sample> => {
    const s = await sampler.read(p, iteration, now(), { escaped: true });
    // the runtime heap is read at boundaries only: a function worker answers one request at a time
    if (suspects) {
      const heap = await suspects.heap();
      s.values.heapUsed = heap.used;
      s.values.heapCommitted = heap.committed;
    }
    recorder.boundary(s);
    return s;
  };
  const gc = async () => {
    try {
      await target?.gc();
    } catch (err) {
      probeErrors.push(`forced GC failed: ${(err as Error).message}`);
    }
  };

  opts.progress?.scenarioStart({ name: scenario.name, file: opts.file, total: warmup + measured, durationMs: null });
  try {
    target = await startTarget(scenario, {
      repoRoot: opts.repoRoot,
      env: { ...stringEnv(process.env), [COOKIE_ENV]: cookie },
      onOutput: (stream, chunk) => output.feed(stream, chunk, now()),
      signal: abort.signal,
    });
    const session = target;
    if (session.agent) suspects = createSuspectSession(session.agent, { runDir: opts.runDir, scenarioName: scenario.name, cookie });
    if (session.agentProblem) probeErrors.push(session.agentProblem);
    sampler.startTimer(scenario.sampleHz ?? DEFAULTS.sampleHz, (s) => recorder.timed({ ...s, phase }), now);
    const hookCtx = { ...session.context, signal: abort.signal };
    if (scenario.setup) await raceStep(() => scenario.setup!(hookCtx), { what: 'setup', timeoutMs: scenario.stepTimeoutMs ?? DEFAULTS.stepTimeoutMs, died: session.died, signal: abort.signal });
    setupDone = true;

    const stepTimeoutMs = scenario.stepTimeoutMs ?? DEFAULTS.stepTimeoutMs;
    /** one step; false when interrupted */
    const runStep = async (i: number, stepPhase: 'warmup' | 'measured', total: number): Promise<boolean> => {
      const ctx: StepContext = { ...session.context, iteration: i, phase: stepPhase, signal: abort.signal };
      let ok = true;
      await raceStep(() => scenario.step(ctx), {
        what: `step (iteration ${i + 1} of ${total}, ${phase})`,
        timeoutMs: stepTimeoutMs,
        died: session.died,
        signal: abort.signal,
      }).catch((err: unknown) => {
        if (!abort.signal.aborted) throw err;
        ok = false;
      });
      return ok;
    };

    if (warmup === 0) {
      await gc();
      await boundary('warmup', -1);
      baselineIndex = 0;
      baselineIds = await sampler.identities();
    }
    for (let i = 0; i < warmup + measured; i++) {
      if (abort.signal.aborted) {
        interrupted = true;
        break;
      }
      phase = i < warmup ? 'warmup' : 'measured';
      session.cliDumps?.setPhase(phase);
      if (!(await runStep(i, phase, warmup + measured))) {
        interrupted = true;
        break;
      }
      await gc();
      const s = await boundary(phase, i);
      const index = recorder.boundaries().t.length - 1;
      if (phase === 'measured') {
        measuredRange = { from: measuredRange?.from ?? index, to: index };
        measuredDone++;
      } else if (i === warmup - 1) {
        baselineIndex = index;
        baselineIds = await sampler.identities();
      }
      opts.progress?.tick({ name: scenario.name, phase, iteration: i + 1, total: warmup + measured, elapsedMs: now(), rss: s.values.rss, sockets: s.values.sockets });
    }

    phase = 'settle';
    const settleMs = scenario.settleMs ?? DEFAULTS.settleMs;
    if (!interrupted && baselineIndex >= 0) await sleep(settleMs, abort.signal);
    if (baselineIndex >= 0 && measuredDone > 0) {
      const base = recorder.boundaries();
      const first = base.t.length;
      await settleReads({
        read: async () => {
          await gc();
          return boundary('settle', null);
        },
        baseline: (metric) => base.values[metric][baselineIndex] ?? null,
        budgets,
        signal: abort.signal,
      });
      settleRange = { from: first, to: recorder.boundaries().t.length - 1 };
      if (baselineIds) newSinceBaseline = identityDiff(baselineIds, await sampler.identities());
    }

    // Attribution comes after the measurement, settle included, in iterations of its own, and
    // nothing of it is recorded: a heap snapshot lifts a Node target's RSS by tens of MB (node-service:
    // 50 -> 95 MB), which the allocator keeps and gives back at a moment of its choosing
    // (fixtures/corpus/sessionStore.mjs: +44 MB at the snapshot, -12 MB thirty iterations later).
    await sampler.stopTimer();
    const tooLarge = suspects && !interrupted && measuredDone > 0 ? await tooLargeToLook(session.agent!) : null;
    if (tooLarge) {
      probeErrors.push(tooLarge);
      suspects = null;
    }
    if (suspects && !interrupted && measuredDone > 0 && baselineIndex >= 0) {
      const extra = Math.min(measuredDone, ATTRIBUTION_ITERATIONS);
      let attributed = 0;
      await gc();
      await suspects.atBaseline();
      for (; attributed < extra && !abort.signal.aborted; attributed++) {
        if (!(await runStep(warmup + measuredDone + attributed, 'measured', warmup + measuredDone + extra))) break;
        opts.progress?.tick({ name: scenario.name, phase, iteration: warmup + measuredDone + attributed + 1, total: warmup + measuredDone + extra, elapsedMs: now(), rss: null, sockets: null, note: 'naming suspects' });
      }
      await suspects.afterMeasured();
      await sleep(settleMs, abort.signal);
      // suspects are ranked while the target still runs: Python referrer chains need it alive
      await suspects.afterSettle(attributed);
    }
    if (scenario.teardown) {
      setupDone = false;
      await raceStep(() => scenario.teardown!(hookCtx), { what: 'teardown', timeoutMs: scenario.stepTimeoutMs ?? DEFAULTS.stepTimeoutMs, died: session.died, signal: abort.signal });
    }
  } catch (err) {
    error = (err as Error).message;
  } finally {
    await sampler.stopTimer();
    if (setupDone && scenario.teardown && target) {
      // teardown after a failure still runs, so the user's own resources are released
      const t = target;
      await raceStep(() => scenario.teardown!({ ...t.context, signal: abort.signal }), { what: 'teardown', timeoutMs: 10_000, died: t.died, signal: new AbortController().signal })
        .catch((err: unknown) => probeErrors.push(`teardown after error failed: ${(err as Error).message}`));
    }
    await target?.stop().catch((err: unknown) => probeErrors.push(`stopping the target failed: ${(err as Error).message}`));
    output.end(now()); // a last line without a newline still counts
    orphans = await collectOrphans(cookie).catch((err: unknown) => {
      probeErrors.push(`killing leftover processes failed: ${(err as Error).message}`);
      return [] as Leftover[];
    });
    scope.close();
  }

  if (interrupted && !error && measuredDone < 3) error = `interrupted after ${measuredDone} measured iteration(s): too few to judge`;
  const fileSizes: Record<string, number | null> = {};
  for (const file of Object.keys(budgets.files ?? {})) {
    fileSizes[file] = await stat(path.resolve(opts.repoRoot, file)).then((s) => s.size, () => null);
  }
  const series = recorder.build();
  const obs: Observations = {
    targetKind: target?.kind ?? (scenario.service ? 'service' : scenario.module ? 'module' : 'cli'),
    series,
    baselineIndex,
    measured: measuredRange,
    settle: settleRange,
    measuredIterations: measuredDone,
    orphans,
    newSinceBaseline,
    fileSizes,
    output: output.summary(),
    measuredHours: measuredHours(series.boundaries.t, measuredRange),
  };
  // Checks run on whatever was observed even after an error: the verdict stays error, but what was
  // left behind (orphans above all) is still worth naming.
  const checks = buildChecks(obs, budgets);
  const finishedAt = new Date();
  const report: ScenarioReport = {
    name: scenario.name,
    file: opts.file,
    verdict: scenarioVerdict(checks, error),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    target: { kind: obs.targetKind },
    iterations: { warmup, measured: measuredDone },
    checks,
    headlines: headlines(obs),
    series,
    suspects: suspects?.ranked() ?? [],
    output: obs.output,
  };
  if (error) report.error = error;
  if (interrupted) report.probeErrors = ['interrupted: the run was stopped early by a signal'];
  if (target?.runtime) report.target.runtime = target.runtime;
  if (target?.command) report.target.command = target.command;
  if (target?.cliDumps) {
    const cli = await cliSuspects(target.cliDumps.dir, measuredDone);
    report.suspects = cli.suspects;
    probeErrors.push(...cli.errors);
    await removeCliDumps(target.cliDumps.dir);
  }
  if (suspects) {
    const kept = await suspects.finish(report.verdict !== 'pass');
    if (kept.length > 0) report.artifacts = kept;
  }
  const allProbeErrors = [...(report.probeErrors ?? []), ...probeErrors, ...sampler.errors(), ...(suspects?.errors() ?? [])];
  if (allProbeErrors.length > 0) report.probeErrors = [...new Set(allProbeErrors)];
  opts.progress?.scenarioEnd(report);
  return report;
}

function measuredHours(t: number[], range: Observations['measured']): number {
  if (!range) return 0;
  return ((t[range.to] ?? 0) - (t[range.from] ?? 0)) / 3_600_000;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
