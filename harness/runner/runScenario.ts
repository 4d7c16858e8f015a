// The engine: one run of one scenario, counted or soak, as a conductor over its parts. The target's
// life (targetLifecycle.ts), the reads of it (boundaryReads.ts) and the evidence collectors that add
// to them (runCollectors.ts: a list the engine walks without knowing what it opens), the scenario's
// steps and hooks (scenarioSteps.ts), the step loop (stepLoop.ts) and what runs beside it for the
// whole run (besideSteps.ts: the sampler's clock, a soak's load, the alerts; a list called by phase),
// the settle (settlePhase.ts), how the run ends (runEnding.ts) and the stream's last line
// (runTail.ts). Every observation is an event (runEvents.ts): to the append-only stream and to the
// run's aggregate, the report's only builder, so a run seep did not finish is rebuilt by `seep
// report` from its stream.
// Whatever happens, the target and every process carrying the run cookie are gone when this
// returns, except a service seep attached to, which it did not start: that one is left running.
import type { Leftover, ScenarioReport } from '../report/runReportSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import { createSampler, type Identities } from '../probes/sampler.ts';
import { plainLines } from '../reporters/plainText.ts';
import { openBeside, type BesideSteps } from './besideSteps.ts';
import { createBoundaryReads, type BoundaryReads } from './boundaryReads.ts';
import type { EvidenceCollector, MeasuredRun } from './evidenceCollectors.ts';
import { createObserverTally } from './observerCost.ts';
import { pacedObserver, type PacedObserver } from './observeCadence.ts';
import type { ProgressSink } from './progressSink.ts';
import { openCollectors, runCollectors, setupCollectors, targetEnv } from './runCollectors.ts';
import { createRunEnding, type RunEnding } from './runEnding.ts';
import { openRunEvents, type RunEvents } from './runEvents.ts';
import { runHead } from './runHead.ts';
import { createRunPosition, type RunPosition } from './runPosition.ts';
import { openRunScope, type RunScope } from './runScope.ts';
import { runTail } from './runTail.ts';
import { scenarioSteps, type ScenarioSteps } from './scenarioSteps.ts';
import { settle } from './settlePhase.ts';
import { createPauseLog } from './pauseLog.ts';
import { stepErrorPolicy } from './stepErrors.ts';
import { measure } from './stepLoop.ts';
import { createTargetLifecycle, type TargetLaunch, type TargetLifecycle } from './targetLifecycle.ts';
import { createResetRetry } from './resetRetry.ts';
import { alsoTimedBy, createStepClock, type StepClock } from './stepClock.ts';
import path from 'node:path';

export interface RunScenarioOptions {
  repoRoot: string;
  file: string;
  runDir?: string;
  signal?: AbortSignal;
  progress?: ProgressSink;
  metrics?: MetricsEndpoint;
  /** called with the report so far every plan.liveEveryMs, for the live HTML view */
  onLive?: (s: ScenarioReport) => Promise<void>;
  /** where alert lines go; stderr by default */
  log?: (line: string) => void;
  /** --calibrate: bytes the agent plants (and keeps) after every measured step, a known leak */
  plant?: number;
}

/** The parts of one run, opened before its target starts and closed after it stops. */
interface Run {
  opts: RunScenarioOptions;
  scope: RunScope;
  events: RunEvents;
  ending: RunEnding;
  lifecycle: TargetLifecycle;
  reads: BoundaryReads;
  position: RunPosition;
  observer: PacedObserver;
  /** the collectors opened before the target starts (its temp dir and what it writes); the duration of its steps */
  early: EvidenceCollector[];
  stepClock: StepClock;
  /** what runs beside the steps, called by phase */
  beside: BesideSteps;
  /** what seep says of this run on stderr, its scenario named */
  say(line: string): void;
  /** a problem of observing, for the report's probe errors, in the order they came */
  problem(message: string): void;
  problems: string[];
  total: number | null;
}

/** What driving the target leaves for the tail. */
interface Driven {
  collectors: EvidenceCollector[];
  newSinceBaseline: Identities;
  orphans: Leftover[];
}

export async function runScenario(plan: RunPlan, opts: RunScenarioOptions): Promise<ScenarioReport> {
  const run = await openRun(plan, opts);
  const driven = await drive(plan, run);
  const { events, ending, lifecycle } = run;
  const tail = await runTail(plan, {
    repoRoot: opts.repoRoot, position: run.position, ...driven, problems: run.problems,
    samplerErrors: () => run.reads.errors(), observerCost: run.observer.result(),
    ending: (measuredSteps) => ending.close({ oomReason: lifecycle.oomReason(), measuredSteps }),
    emit: events.emit, now: run.scope.now,
  });
  events.emit({ k: 'end', t: run.scope.now(), tail: tail as unknown as Record<string, unknown> });
  // what the collectors keep depends on the verdict (a failed run keeps its heap snapshots)
  const failed = events.verdict() !== 'pass';
  for (const c of driven.collectors) {
    const kept = await c.afterVerdict?.(failed);
    if (kept?.artifacts.length) events.emit({ k: 'artifacts', t: run.scope.now(), files: kept.artifacts });
    if (kept?.errors.length) events.emit({ k: 'lateErrors', t: run.scope.now(), errors: kept.errors });
  }
  const report = await events.finish();
  opts.progress?.scenarioEnd(report);
  return report;
}

async function openRun(plan: RunPlan, opts: RunScenarioOptions): Promise<Run> {
  const startedAt = new Date();
  const scope = openRunScope(opts.signal);
  const { now, cookie, abort } = scope;
  // what seep says as it goes quotes the target (a death's last stderr lines): escaped, never raw
  const log = opts.log ?? ((line: string) => process.stderr.write(plainLines(line) + '\n'));
  // what seep says of this run: every part's lines name the scenario the same way
  const say = (line: string) => log(`seep: ${plan.name}: ${line}`);
  const ending = createRunEnding(abort);
  const problems: string[] = [];
  const problem = (m: string) => void problems.push(m);
  const events = await openRunEvents(runHead(plan, opts.file, startedAt), {
    runDir: opts.runDir, onLive: opts.onLive, metrics: opts.metrics, liveEveryMs: plan.liveEveryMs, now,
    onStreamFailure: (message) => ending.fail(message, { stop: true }),
  });
  const { emit, note, agg } = events;
  const total = 'steps' in plan.measure ? ('steps' in plan.warmup ? plan.warmup.steps : 0) + plan.measure.steps : null;
  // before the target starts: a temp dir of its own, its working directories listed (seep's run folder left out)
  const early = openCollectors(setupCollectors, { plan, repoRoot: opts.repoRoot, cookie, skip: [opts.runDir ? path.dirname(events.runDir) : events.runDir], emit, now });
  opts.progress?.scenarioStart({ name: plan.name, file: opts.file, total, durationMs: 'ms' in plan.measure ? plan.measure.ms : null });
  // a step's request reset as a worker of the tree exits (recycled) is retried, and recorded
  const resets = createResetRetry({ rootPids: () => lifecycle.current()?.rootPids() ?? [], onRetry: (r) => emit({ k: 'retry', t: now(), ...r }) });
  const lifecycle = createTargetLifecycle({
    repoRoot: opts.repoRoot, cookie, signal: abort.signal, emit, note, now, problem,
    say,
    retryOnReset: resets.decide, beforeRequest: resets.beforeRequest,
    lastRss: () => agg.last()?.values.rss ?? null,
    restarts: () => agg.restarts(),
    onFatal: (reason) => ending.fail(reason, { stop: true }),
  });
  const position = createRunPosition();
  const stepClock = createStepClock();
  // one tally of the observer's share: the paced observer's, its steps also timed by the step clock
  const observer = pacedObserver(plan, alsoTimedBy(createObserverTally(), stepClock));
  const sampler = createSampler({ rootPids: () => lifecycle.current()?.rootPids() ?? [], cookie, cgroupUsage: () => lifecycle.cgroupUsage() });
  // a soak's checkpoints, to tell the load's answers they disturbed from the others
  const pauses = 'ms' in plan.measure ? createPauseLog() : undefined;
  const reads = createBoundaryReads(plan, { sampler, target: lifecycle, position, total, emit, note, now, watch: (s) => beside.watch(s), observer, problem, progress: opts.progress, pauses });
  const beside = openBeside({ plan, sampler, reads, resets, lifecycle, agg, ending, say, emit, note, now, pauses });
  return { opts, scope, events, ending, lifecycle, reads, position, observer, early, stepClock, beside, say, problem, problems, total };
}

/** Starts the target, runs the scenario on it, and stops it, whatever happens. */
async function drive(plan: RunPlan, run: Run): Promise<Driven> {
  const { scope, events, ending, lifecycle, reads, position } = run;
  const signal = scope.abort.signal;
  let collectors: EvidenceCollector[] = [];
  let steps: ScenarioSteps | null = null;
  let newSinceBaseline: Identities = { processes: [], sockets: [], fds: [] };
  let orphans: Leftover[] = [];
  try {
    const target = await lifecycle.start(launchOf(plan), { env: targetEnv(run.early) });
    // the run's window on the wall clock, for evidence read afterwards over it (Prometheus')
    const window = { startedAtMs: Date.now() - scope.now(), measuredFromT: () => (position.phase === 'warmup' ? null : position.measuredFromT) };
    collectors = openCollectors(runCollectors, {
      plan, target, opened: [...run.early, run.stepClock], window,
      noRoomForSnapshot: lifecycle.noRoomForSnapshot, runDir: events.runDir, cookie: scope.cookie, emit: events.emit, note: events.note, now: scope.now,
    });
    reads.observeWith(collectors);
    events.start();
    run.beside.atStart(target);
    steps = run.stepClock.metering(scenarioSteps(plan, { target, lifecycle, signal, plant: run.opts.plant }));
    await steps.setup();
    await reads.startupEnds(); // what the target printed and did until now was its start-up
    const errors = stepErrorPolicy('steps' in plan.measure, { restartable: target.restartable, target: lifecycle, signal, emit: events.emit, now: scope.now, stepErrors: () => events.agg.totals().stepErrors, say: run.say });
    const measured = await measure(plan, { target, position, reads, steps, errors, beside: run.beside, ending, observer: run.observer, signal, now: scope.now, total: run.total });
    newSinceBaseline = await settle(plan, measured, { position, reads, baseline: () => events.agg.baselineSample(), signal, beside: run.beside });
    const after = measuredRun(run, steps, measured);
    for (const c of collectors) await c.afterMeasured?.(after);
    if (ending.error() === undefined) await steps.teardown();
  } catch (err) {
    ending.fail((err as Error).message);
  } finally {
    lifecycle.ignoreDeaths();
    // a part that fails to stop must not leave the target running: said, and the target stopped
    await run.beside.atStop().catch((err: unknown) => run.problem(`stopping what ran beside the steps: ${(err as Error).message}`));
    await steps?.teardownAfterError(run.problem);
    orphans = await lifecycle.stop();
    for (const c of new Set([...run.early, ...collectors])) c.afterStop?.();
    scope.close();
  }
  return { collectors, newSinceBaseline, orphans };
}

/** The plan's piece the target's lifecycle takes: what to start, and how. */
function launchOf(plan: RunPlan): TargetLaunch {
  const { target, env, stepTimeoutMs } = plan;
  return { target, env, stepTimeoutMs, ...(plan.budgets.memoryLimit ? { memoryLimit: plan.budgets.memoryLimit } : {}) };
}

function measuredRun(run: Run, steps: ScenarioSteps, measured: { ended: boolean; ms: number }): MeasuredRun {
  const signal = run.scope.abort.signal;
  return {
    ended: measured.ended,
    ms: measured.ms,
    steps: run.position.steps,
    warmupSteps: run.position.warmupSteps,
    extraStep: (iteration, what) => steps.step(iteration, 'measured', what).then(() => steps.plant()).then(() => true, (err: unknown) => {
      if (signal.aborted) return false; // Ctrl-C while naming suspects: report what was measured
      throw err;
    }),
    signal,
  };
}
