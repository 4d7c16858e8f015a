// The engine: one loop for counted runs and soaks, as k6's shared-iterations executor is a count
// and a maximum duration in one. A counted run's measured phase ends after N steps, with a boundary
// read after every step, no pacing, and its first step error ending it; a soak's ends after a time,
// paced, with a boundary read on a clock, load where the scenario asks, step errors tolerated up to
// its budget and a crashed service restarted. Both warm up, measure, settle, name suspects and tear
// down here; every sample goes to the append-only stream and into the run's fixed-size aggregate,
// which builds the report, so a run seep did not finish is rebuilt by `seep report` from its stream.
// Whatever happens, the target and every process carrying the run cookie are gone when this returns,
// except a service seep attached to, which it did not start: that one is left running.
import { createSuspectSession, tooLargeToLook, type SuspectSession } from './suspectSession.ts';
import { attributionBudgetMs, createAttributionBudget, MIN_ATTRIBUTION_STEPS } from '../agents/attributionBudget.ts';
import { treeTypeCounts } from './treeTypeCounts.ts';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cliDumpCollector, runtimeHeapCollector, type EvidenceCollector } from './evidenceCollectors.ts';
import { typeGrowthCollector } from './typeGrowthCollector.ts';
import { warningCountsCollector } from './warningCountsCollector.ts';
import { allOutputs, liveReportOutput, metricsOutput, sampleStreamOutput } from './runOutputs.ts';
import { setImmediate as yieldLoop } from 'node:timers/promises';
import type { Leftover, Phase, Sample, ScenarioReport } from '../report/schema.ts';
import type { StepContext } from '../scenario/types.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { plainLines } from '../report/plainText.ts';
import { createSampleStream, phaseCode, streamFile, type StreamEvent } from '../series/sampleStream.ts';
import { createSampler, type Identities } from '../probes/sampler.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { runLoad } from '../drivers/loadGenerator.ts';
import { loadEvent } from '../observations/loadTally.ts';
import { startAttributionLoad } from './attributionLoad.ts';
import { raceStep, sleep } from './raceStep.ts';
import { settleReads } from './settle.ts';
import { openRunScope } from './runScope.ts';
import { identityDiff } from './identityDiff.ts';
import { collectOrphans } from './collectOrphans.ts';
import type { ProgressSink } from './progressSink.ts';
import { createRunAggregate } from '../observations/runAggregate.ts';
import { encodeHead, type StreamHead, type StreamTail } from '../observations/streamHead.ts';
import { startRunTarget, type Death, type RunTarget } from './restartableTarget.ts';
import { createTreeLines } from '../observations/treeSampleLines.ts';
import { createAlertWatch, MAX_PER_LEVEL } from '../analysis/alerts.ts';
import { createEarlyStop } from '../analysis/earlyStop.ts';
import type { MetricsEndpoint } from '../observations/metricsEndpoint.ts';
import { formatElapsed } from '../analysis/soakChecks.ts';
import { openMemoryLimit, type MemoryLimitSession } from './memoryLimitSession.ts';
import { attachedHead, attachedTree, resolveAttached } from './attachedTarget.ts';
import { createObserverTally } from './observerCost.ts';
import { createObserveCadence, withCadence } from './observeCadence.ts';
import { performance } from 'node:perf_hooks';
import { fileSlug } from '../scenario/fileSlug.ts';

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

const SEEP_RSS_EVERY_MS = 5000;
/** A soak with restart tolerates failed steps while its target is down, up to this many. */
const MAX_TOLERATED_STEP_ERRORS = 10_000;
/** How long a failed step waits for its target's death to be noticed: 100 polls of 100 ms. Under
 * load a SIGKILLed master's exit is known only once its forked workers let go of its pipes; 3 s was
 * too short once (the restart test, run beside the agent tests). */
const DEATH_WAIT_POLLS = 100;
/** A soak ends as an error when this many steps in a row throw: the scenario, not the target, is broken. */
const MAX_STEP_ERRORS_IN_A_ROW = 20;

function uniqueStream(runDir: string, name: string): string {
  const slug = fileSlug(name, 80);
  for (let n = 1; ; n++) {
    const file = streamFile(runDir, n === 1 ? slug : `${slug}-${n}`);
    if (!existsSync(file)) return file;
  }
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export async function runScenario(plan: RunPlan, opts: RunScenarioOptions): Promise<ScenarioReport> {
  const counted = 'steps' in plan.measure;
  const measureSteps = 'steps' in plan.measure ? plan.measure.steps : Infinity;
  const durationMs = 'ms' in plan.measure ? plan.measure.ms : Infinity;
  const warmupSteps0 = 'steps' in plan.warmup ? plan.warmup.steps : 0;
  const startedAt = new Date();
  const scope = openRunScope(opts.signal);
  const { now, cookie, abort } = scope;
  // what seep says as it goes quotes the target (a death's last stderr lines): escaped, never raw
  const log = opts.log ?? ((line: string) => process.stderr.write(plainLines(line) + '\n'));
  const budgets = plan.budgets;

  // with no run folder (the eval's corpus runs), the stream goes to a temp folder removed at the end
  const tempRunDir = opts.runDir ? null : await mkdtemp(path.join(os.tmpdir(), 'seep-run-'));
  const runDir = opts.runDir ?? tempRunDir!;
  // a stream that cannot be written (a full disk) ends the run as an error naming the file
  const stream = createSampleStream(uniqueStream(runDir, plan.name), {
    onFailure: (err) => {
      error ??= err.message;
      abort.abort();
    },
  });
  const agg = createRunAggregate();
  const outputs = allOutputs([
    sampleStreamOutput(stream, (m) => note(m)),
    agg,
    ...(opts.onLive ? [liveReportOutput(plan.liveEveryMs, opts.onLive, () => agg.report({ live: true }), (m) => note(m))] : []),
    ...(opts.metrics ? [metricsOutput(opts.metrics, plan.name, () => currentValues())] : []),
  ]);
  const emit = (e: StreamEvent) => outputs.add(e);
  const note = (message: string) => emit({ k: 'note', t: now(), message });
  // an attached service is resolved (pid, URL, cgroup) before the head, which names it; a failure is the run's error
  const attached = plan.target.kind === 'attached' ? await resolveAttached(plan.target, opts.repoRoot).catch((err: unknown) => err as Error) : undefined;
  const head: StreamHead = {
    name: plan.name,
    file: opts.file,
    startedAt: startedAt.toISOString(),
    target: plan.target.kind === 'attached' ? attachedHead(plan.target, attached!) : plan.target.kind === 'service'
      ? { kind: 'service', command: plan.target.command }
      : plan.target.kind === 'module'
        ? { kind: 'module', runtime: plan.target.runtime, command: [plan.target.runtime === 'python' ? 'python3' : 'node', path.normalize(plan.target.path)] }
        : { kind: 'cli' },
    budgets: plan.budgets,
    alerts: plan.alerts,
    durationMs: counted ? 0 : durationMs,
    measure: plan.measure,
    warmup: plan.warmup,
    sampleHz: plan.sampleHz,
  };
  emit({ k: 'head', v: 1, head: encodeHead(head) });

  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  const onOutput = (s: 'stdout' | 'stderr', chunk: Buffer) => {
    const x = decoders[s].write(chunk);
    if (x !== '') emit({ k: 'out', t: now(), s, x });
  };

  let phase = 'warmup' as Phase;
  let target: RunTarget | null = null;
  let stopping = false;
  let error: string | undefined;
  let interrupted = false;
  let stoppedEarly: string | undefined;
  let steps = 0;
  let warmupSteps = 0;
  let deaths = 0;
  let restarting = null as Promise<void> | null;
  let baselineIds: Identities | null = null;
  let newSinceBaseline: StreamTail['newSinceBaseline'] = { processes: [], sockets: [], fds: [] };
  let orphans: Leftover[] = [];
  let setupDone = false;
  let suspects: SuspectSession | null = null;
  let attributed = 0;
  let measuredFromT = 0;
  const probeErrors: string[] = [];
  const collectors: EvidenceCollector[] = [];
  const timers: NodeJS.Timeout[] = [];
  let memoryLimit: MemoryLimitSession | null = null;
  let oomReason: string | undefined;
  const ownCgroup = attached && !(attached instanceof Error) && typeof attached.cgroup !== 'string' ? attached.cgroup : null;
  const observer = createObserverTally();
  const cadence = createObserveCadence(plan);
  const sampler = createSampler({ rootPids: () => target?.rootPids() ?? [], cookie, cgroupUsage: () => memoryLimit?.usage() ?? ownCgroup?.usage() ?? null });
  /** OOM kills in the cgroup, seen at every sample: a pre-fork master may survive its worker's */
  const watchOom = () => {
    const k = memoryLimit?.newOomKills();
    if (!k || k.count === 0) return;
    oomReason ??= `OOM-killed by the kernel under the ${memoryLimit!.limit.written} memoryLimit` + (k.usage === null ? '' : ` (the cgroup held ${formatBytes(k.usage)})`);
    for (let i = 0; i < k.count; i++) emit({ k: 'oom', t: now(), usage: k.usage });
    log(`seep: ${plan.name}: ${oomReason}`);
  };
  const tree = createTreeLines();
  // every crossing goes to the stream (the report counts and keeps them); only the printing is capped
  const alerts = createAlertWatch(plan.alerts, Infinity);
  const earlyStop = createEarlyStop(budgets, plan.alerts.some((a) => a.level === 'critical'));
  let fatal: (reason: string) => void = () => undefined;
  const fatalDeath = new Promise<string>((resolve) => (fatal = resolve));

  const record = (s: Sample, kind: 'b' | 't') => {
    const { line, newPids } = tree.encode(s, kind);
    emit(line);
    const roots = new Set(target?.rootPids() ?? []);
    for (const pid of newPids) {
      void tree.command(pid).then(
        (cmd) => emit({ k: 'cmd', pid, cmd, root: roots.has(pid) }),
        (err: unknown) => note(`reading the command line of pid ${pid} failed: ${(err as Error).message}`),
      );
    }
    for (const a of alerts.observe(s.t, s.values.rss)) {
      emit({ k: 'alert', t: a.t, level: a.level, message: a.message });
      const n = agg.alertCount(a.level);
      if (n <= MAX_PER_LEVEL) log(`seep: ${plan.name}: ${a.level.toUpperCase()} at ${formatElapsed(a.t)}: ${a.message}`);
      if (n === MAX_PER_LEVEL) log(`seep: ${plan.name}: further ${a.level} alerts are counted in the report, not printed`);
    }
    if (plan.abortOnFail && !stoppedEarly) {
      const certain = earlyStop({ peakRss: agg.peakRss(), seepPeak: agg.seepPeak(), criticalAlerts: agg.alertCount('critical') });
      if (certain) {
        stoppedEarly = certain;
        log(`seep: ${plan.name}: stopping early at ${formatElapsed(s.t)}: ${certain}`);
        abort.abort();
      }
    }
  };
  const onTimed = (s: Sample) => {
    // no tree while a restarted service comes up: a zero-RSS sample would read as a cliff
    watchOom();
    if (s.pids.length === 0) return;
    record({ ...s, phase }, 't');
  };
  const checkpoint = async (p: Phase): Promise<Sample | null> => {
    const t0 = performance.now();
    try {
      await target?.gc();
    } catch (err) {
      probeErrors.push(`forced GC failed: ${(err as Error).message}`);
    }
    const t1 = performance.now();
    const s = await sampler.read(p, steps, now(), { escaped: true });
    const t2 = performance.now();
    watchOom();
    if (s.pids.length === 0 && target?.kind !== 'cli') return null;
    for (const c of collectors) await c.atBoundary?.(s);
    const cost = { gcMs: t1 - t0, readMs: t2 - t1, agentMs: performance.now() - t2 };
    observer.boundary(cost);
    cadence.boundary(cost);
    record(s, 'b');
    opts.progress?.tick({ name: plan.name, phase: p, iteration: steps, total, elapsedMs: s.t, rss: s.values.rss, sockets: s.values.sockets });
    return s;
  };
  const onDeath = (d: Death) => {
    if (stopping) return;
    deaths++;
    watchOom();
    const rss = agg.last()?.values.rss ?? null;
    const reason = `${oomReason ? `${oomReason}: ` : ''}${d.reason}${rss === null ? '' : `; RSS ${formatBytes(rss)} at its last sample`}`;
    const t = target!;
    emit({ k: 'exit', t: now(), pid: d.pid, code: d.status.code, signal: d.status.signal, restart: t.restartable });
    if (!t.restartable) {
      fatal(reason);
      return;
    }
    log(`seep: ${plan.name}: ${reason}; restarting it (restart ${agg.restarts()})`);
    note(`the target died and was restarted: ${reason}`);
    restarting = t.restart().then(
      (left) => {
        restarting = null;
        if (left > 0) log(`seep: ${plan.name}: ended ${left} process${left === 1 ? '' : 'es'} the dead target left in its process group before restarting it`);
        void t.nextDeath().then(onDeath);
      },
      (err: unknown) => {
        restarting = null;
        fatal(`${reason}; restarting it failed: ${(err as Error).message}`);
      },
    );
  };

  const total = counted ? warmupSteps0 + measureSteps : null;
  opts.progress?.scenarioStart({ name: plan.name, file: opts.file, total, durationMs: counted ? null : durationMs });
  function currentValues() {
    const last = agg.last();
    const totals = agg.totals();
    const lastLoad = agg.lastLoad();
    return {
      targetRss: last?.values.rss, targetCpu: last?.values.cpu, targetFds: last?.values.fds, targetSockets: last?.values.sockets,
      targetThreads: last?.values.threads, targetProcesses: last ? last.pids.length : null, seepRss: process.memoryUsage.rss(),
      elapsed: now() / 1000, remaining: counted ? null : Math.max(0, durationMs - now()) / 1000, samples: totals.samples,
      requests: totals.requests, errors: totals.errors, latencyP99: lastLoad ? lastLoad.p99 / 1000 : null,
      restarts: agg.restarts(), alerts: totals.alerts, stepErrors: totals.stepErrors,
    };
  }
  const loadAbort = new AbortController();
  let loadDone: Promise<void> = Promise.resolve();
  try {
    if (budgets.memoryLimit) {
      const opened = await openMemoryLimit(budgets.memoryLimit, cookie);
      if (typeof opened === 'string') {
        log(`seep: ${plan.name}: ${opened}`);
        probeErrors.push(opened);
      } else memoryLimit = opened;
    }
    if (attached instanceof Error) throw attached;
    if (attached && typeof attached.cgroup === 'string') note(`no cgroupMemory for the attached process: ${attached.cgroup}`);
    target = await startRunTarget(plan, {
      repoRoot: opts.repoRoot,
      env: { ...stringEnv(process.env), [COOKIE_ENV]: cookie, ...memoryLimit?.env },
      onOutput,
      signal: abort.signal,
    }, attached);
    const session = target;
    collectors.push(runtimeHeapCollector(() => session.agents(), (procs, s) => emit({ k: 'heaps', t: s.t, p: phaseCode(s.phase), procs })));
    collectors.push(typeGrowthCollector(() => session.agent(), emit));
    collectors.push(warningCountsCollector(() => session.agents(), emit));
    if (session.cliDumps) collectors.push(cliDumpCollector(session.cliDumps));
    outputs.start();
    void session.nextDeath().then(onDeath);
    sampler.startTimer(plan.sampleHz, onTimed, now);
    const seepRss = () => emit({ k: 'seep', t: now(), rss: process.memoryUsage.rss() });
    seepRss();
    timers.push(setInterval(seepRss, SEEP_RSS_EVERY_MS));
    for (const t of timers) t.unref();

    const hookCtx = () => ({ ...session.context(), signal: abort.signal });
    // the calibration's known leak, at the boundary of each measured step, before its read
    const plant = async () => {
      if (opts.plant === undefined) return;
      const agent = session.agent();
      if (!agent) throw new Error(`cannot plant the calibration leak: ${session.agentProblem ?? 'the target has no agent'}`);
      await agent.request('plant', { bytes: opts.plant });
    };
    const stepTimeoutMs = plan.stepTimeoutMs;
    const died = session.restartable ? fatalDeath.then(() => new Promise<string>(() => undefined)) : fatalDeath;
    // A death without restart ends the soak at once, whatever the loop is waiting on.
    void fatalDeath.then((reason) => {
      error ??= reason;
      abort.abort();
    });
    if (plan.setup) await raceStep(() => plan.setup!(hookCtx()), { what: 'setup', timeoutMs: stepTimeoutMs, died: fatalDeath, signal: abort.signal });
    setupDone = true;
    if (plan.load && !counted) {
      loadDone = runLoad(plan.load, {
        baseUrl: () => (restarting ? null : session.baseUrl()),
        totalMs: durationMs - now(),
        sliceMs: Math.min(5000, Math.max(1000, durationMs / 60)),
        now,
        onInterval: (i) => emit(loadEvent(i)),
        onError: note,
        signal: loadAbort.signal,
      }).done;
    }

    const warmupOver = () => ('steps' in plan.warmup ? warmupSteps >= plan.warmup.steps : now() >= plan.warmup.ms);
    const endWarmup = async () => {
      await checkpoint('warmup'); // the baseline
      baselineIds = await sampler.identities();
      phase = 'measured';
      measuredFromT = now();
    };
    let nextCheckpoint = now() + plan.checkpointMs;
    let nextStart = now();
    let restartStepErrors = 0;
    let inARow = 0;
    const measureOver = () => (counted ? steps - warmupSteps >= measureSteps : now() >= durationMs);
    while (!measureOver() && !abort.signal.aborted) {
      if (phase === 'warmup' && warmupOver()) await endWarmup();
      // CLI scenarios: each command's agent writes what it saw at exit, for the suspects (counted runs
      // only: a week of invocations must not pile up a file each)
      if (counted) session.cliDumps?.setPhase(phase === 'warmup' ? 'warmup' : 'measured');
      const ctx: StepContext = { ...session.context(), iteration: steps, phase: phase === 'settle' ? 'measured' : phase, signal: abort.signal };
      const deathsBefore = deaths;
      // a step that starts while a restart is in flight may hit the port before the new target listens
      const restartInFlight = restarting !== null;
      try {
        const stepStart = performance.now();
        await raceStep(() => plan.step(ctx), { what: counted ? `step (iteration ${steps + 1} of ${total}, ${phase})` : `step ${steps + 1} (${phase}, ${formatElapsed(now())} in)`, timeoutMs: stepTimeoutMs, died, signal: abort.signal });
        observer.step(performance.now() - stepStart);
        cadence.step(performance.now() - stepStart);
        if (phase === 'measured') await plant();
        inARow = 0;
      } catch (err) {
        if (abort.signal.aborted) break;
        // a counted run ends at its first step error: N steps were asked, and one did not happen
        if (counted) throw err;
        // A step that failed because the target went down under it is the restart's to count. The
        // death may be seen a moment after the step fails (the exit is known when the process
        // group's pipes close), so wait a little for it.
        let restartOwnsIt = false;
        if (session.restartable && ++restartStepErrors <= MAX_TOLERATED_STEP_ERRORS) {
          for (let i = 0; i < DEATH_WAIT_POLLS && deaths === deathsBefore && !restarting; i++) await sleep(100, abort.signal);
          restartOwnsIt = deaths !== deathsBefore || restarting !== null || restartInFlight;
          if (restartOwnsIt) await restarting;
        }
        if (!restartOwnsIt) {
          // The step's own failure (a timeout, a reset connection): a week of soak must not end on
          // one. It is recorded and the stepErrors budget judges it at the end; a step that fails
          // every time is a broken scenario, and ends the soak as an error.
          const message = (err as Error).message;
          if (++inARow >= MAX_STEP_ERRORS_IN_A_ROW) throw new Error(`${message} (${inARow} steps in a row threw: the soak stops)`, { cause: err });
          emit({ k: 'stepError', t: now(), message });
          const stepErrors = agg.totals().stepErrors;
          if (stepErrors <= MAX_PER_LEVEL) log(`seep: ${plan.name}: ${message}; the soak goes on (step error ${stepErrors})`);
          if (stepErrors === MAX_PER_LEVEL) log(`seep: ${plan.name}: further step errors are counted in the report, not printed`);
        }
      }
      steps++;
      if (phase === 'warmup') warmupSteps++;
      if (counted && phase === 'warmup' && warmupOver()) {
        await endWarmup(); // the read after the last warmup step is the baseline
      } else if (now() >= nextCheckpoint && (phase !== 'measured' || cadence.readAfter(steps - warmupSteps, measureOver()))) {
        await checkpoint(phase);
        nextCheckpoint = now() + cadence.nextIntervalMs();
      }
      const until = Math.min(durationMs, phase === 'warmup' && 'ms' in plan.warmup ? Math.max(now(), plan.warmup.ms) : Infinity);
      if (plan.pace.kind === 'rate') {
        // behind schedule: skip the missed starts rather than fire them in a burst
        nextStart = Math.max(nextStart + plan.pace.ms, now());
        await sleep(Math.min(nextStart, until) - now(), abort.signal);
      } else if (plan.pace.kind === 'interval') {
        await sleep(Math.min(plan.pace.ms, until - now()), abort.signal);
      } else {
        await yieldLoop(); // timers (the sampler, the flush) get their turn
      }
    }
    interrupted = abort.signal.aborted && !stoppedEarly && error === undefined;
    loadAbort.abort();
    await loadDone;
    if (error === undefined) {
      if (phase === 'warmup' && !interrupted && !stoppedEarly) await endWarmup();
      if (phase === 'measured' && !counted) await checkpoint('measured'); // the end of the measured phase (a counted run read it after its last step)
    }
    const measuredEnded = error === undefined && phase === 'measured';
    const measuredMs = now() - measuredFromT;
    if (measuredEnded) phase = 'settle';
    if (measuredEnded && baselineIds) {
      if (!abort.signal.aborted) await sleep(plan.settleMs, abort.signal);
      const base = agg.baselineSample();
      await settleReads({
        read: async () => (await checkpoint('settle')) ?? (await sampler.read('settle', steps, now())),
        baseline: (m) => base?.values[m] ?? null,
        budgets,
        signal: abort.signal,
      });
      newSinceBaseline = identityDiff(baselineIds, await sampler.identities());
    }
    // Suspects are named after the measurement, settle included, in steps of their own (as in
    // counted runs), and nothing of it is sampled: a snapshot of a 100 MB heap lifted a Node
    // target's RSS by 700 MB, which would be read as growth, or raise an alert after the soak.
    if (measuredEnded) await sampler.stopTimer();
    const agent = target.agent();
    if (target.agentProblem) note(target.agentProblem);
    const tooLarge = agent && measuredEnded && !abort.signal.aborted
      ? (await tooLargeToLook(agent)) ?? (memoryLimit ? await memoryLimit.noRoomForSnapshot(agent) : null)
      : 'skip';
    if (tooLarge && tooLarge !== 'skip') note(tooLarge);
    if (agent && tooLarge === null) {
      const budget = createAttributionBudget(attributionBudgetMs(measuredMs));
      const t = target;
      const tree = treeTypeCounts(agent, () => t.agents());
      suspects = createSuspectSession({ ...agent, request: tree.request }, { runDir, scenarioName: plan.name, cookie, budget });
      await suspects.atBaseline();
      const others = t.agents().filter((a) => a.role === 'worker' && !tree.summedWorkers().includes(a.pid)).map((a) => a.pid);
      const summed = tree.summedWorkers();
      if (summed.length > 0) note(`suspects: gc type counts were summed over the root process (pid ${agent.pid}) and the ${summed.length} worker${summed.length === 1 ? '' : 's'} forked from it (pid ${summed.join(', ')}), and so were their warnings; a referrer chain was searched for in the process holding the most of its type; allocation sites and open resources are the root's only`);
      if (others.length > 0) note(`suspects were looked for in the root process (pid ${agent.pid})${summed.length ? ' and its forked workers' : ''} only: ${others.length} other process${others.length === 1 ? '' : 'es'} of the tree serving an agent (pid ${others.join(', ')}) ${others.length === 1 ? 'was' : 'were'} not looked at`);
      // the extra steps get what the two looks still to come (about as long as the first) and the
      // settle will not need; the retainer paths and referrer searches get what is left after
      const lookMs = budget.elapsedMs();
      const reserveMs = 2 * lookMs + plan.settleMs;
      // paced steps (below) cost their pauses: the fewest the per-step rule needs, not the full 20
      const extra = Math.min(steps - warmupSteps, plan.pace.kind === 'none' ? plan.attributionSteps : Math.min(plan.attributionSteps, MIN_ATTRIBUTION_STEPS));
      // a soak under load grows by its load: it runs again while the extra steps do
      const extraLoad = plan.load && !counted ? startAttributionLoad(plan.load, { baseUrl: () => session.baseUrl(), now, maxMs: Math.max(1000, budget.remainingMs() - reserveMs), onError: note }) : null;
      try {
        for (; attributed < extra && !abort.signal.aborted; attributed++) {
          // a few steps whatever the time: with none, nothing can be seen growing per step
          if (attributed >= MIN_ATTRIBUTION_STEPS && budget.remainingMs() < reserveMs) {
            budget.cut(`steps between the first two looks cut to ${attributed} of ${extra}: the first look took ${(lookMs / 1000).toFixed(1)} s`);
            break;
          }
          const ctx: StepContext = { ...session.context(), iteration: steps + attributed, phase: 'measured', signal: abort.signal };
          const ok = await raceStep(() => plan.step(ctx), { what: `step ${steps + attributed + 1} (naming suspects)`, timeoutMs: stepTimeoutMs, died, signal: abort.signal })
            .then(plant)
            .then(() => true, (err: unknown) => {
              if (abort.signal.aborted) return false; // Ctrl-C while naming suspects: report what was measured
              throw err;
            });
          if (!ok) break;
          // paced as the measured steps were: a target that works on its own clock (a daemon the
          // steps only pace) grows between the looks by time, so steps back to back would show it
          // growing by nothing per step (the bs4 monitor's trees: no suspect at all)
          if (plan.pace.kind !== 'none') await sleep(Math.min(plan.pace.ms, Math.max(0, budget.remainingMs() - reserveMs)), abort.signal);
        }
      } finally {
        await extraLoad?.stop();
      }
      // two more looks as long as the first would not fit: the one after the settle stands for both
      if (budget.remainingMs() < 2 * lookMs + plan.settleMs) {
        budget.cut(`the look after the extra steps skipped, the first took ${(lookMs / 1000).toFixed(1)} s: growth is read from the baseline to the look after the settle`);
        suspects.skipMeasured();
      } else await suspects.afterMeasured();
      await sleep(Math.min(plan.settleMs, budget.remainingMs()), abort.signal);
      await suspects.afterSettle(attributed);
      // in the stream too, so that a report rebuilt from it names them
      emit({ k: 'suspects', t: now(), suspects: suspects.ranked() });
      emit({ k: 'attribution', t: now(), attribution: budget.summary() });
    }
    if (plan.teardown && error === undefined) {
      setupDone = false;
      await raceStep(() => plan.teardown!(hookCtx()), { what: 'teardown', timeoutMs: stepTimeoutMs, died: fatalDeath, signal: new AbortController().signal });
    }
  } catch (err) {
    error ??= (err as Error).message;
  } finally {
    stopping = true;
    loadAbort.abort();
    await loadDone;
    for (const t of timers) clearInterval(t);
    await sampler.stopTimer();
    if (setupDone && plan.teardown && target) {
      const t = target;
      await raceStep(() => plan.teardown!({ ...t.context(), signal: abort.signal }), { what: 'teardown', timeoutMs: 10_000, died: fatalDeath, signal: new AbortController().signal })
        .catch((err: unknown) => probeErrors.push(`teardown after error failed: ${(err as Error).message}`));
    }
    await restarting?.catch(() => undefined);
    emit({ k: 'stopping', t: now() });
    const stopNote = await target?.stop().catch((err: unknown) => {
      probeErrors.push(`stopping the target failed: ${(err as Error).message}`);
    });
    if (stopNote) probeErrors.push(stopNote);
    for (const s of ['stdout', 'stderr'] as const) {
      const rest = decoders[s].end();
      if (rest) agg.add({ k: 'out', t: now(), s, x: rest });
    }
    const spare = await attachedTree(attached).catch((err: unknown) => {
      probeErrors.push(`listing the attached process's tree failed: ${(err as Error).message}`);
      return [];
    });
    orphans = await collectOrphans(cookie, undefined, spare).catch((err: unknown) => {
      probeErrors.push(`killing leftover processes failed: ${(err as Error).message}`);
      return [] as Leftover[];
    });
    await memoryLimit?.close();
    scope.close();
  }
  // an OOM kill under memoryLimit that ended the run is a failed budget.memoryLimit, not 'could not
  // run': whatever the dead target made the step throw is its consequence
  if (oomReason && error !== undefined && !interrupted) {
    stoppedEarly ??= oomReason;
    error = undefined;
  }

  const fileSizes: Record<string, number | null> = {};
  for (const { path: file } of budgets.files) {
    fileSizes[file] = await stat(path.resolve(opts.repoRoot, file)).then((s) => s.size, () => null);
  }
  const measuredSteps = steps - warmupSteps;
  if (interrupted && measuredSteps < 3) error ??= `interrupted after ${measuredSteps} measured step(s): too few to judge`;
  for (const c of collectors) {
    const found = await c.afterRun?.(measuredSteps);
    if (!found) continue;
    // in the stream too, so that a report rebuilt from it names them
    if (found.suspects.length > 0) emit({ k: 'suspects', t: now(), suspects: found.suspects });
    probeErrors.push(...found.errors);
    if (found.handles && found.handles.length > 0) newSinceBaseline.handles = [...(newSinceBaseline.handles ?? []), ...found.handles];
  }
  const tail: StreamTail = {
    finishedAt: new Date().toISOString(),
    steps: { warmup: warmupSteps, measured: measuredSteps },
    orphans, newSinceBaseline, fileSizes,
    probeErrors: [...new Set([...probeErrors, ...sampler.errors()])],
    observerCost: { ...observer.result(), ...withCadence(cadence.result()) },
  };
  if (error !== undefined) tail.error = error;
  if (interrupted) tail.interrupted = true;
  if (stoppedEarly) tail.stoppedEarly = stoppedEarly;
  emit({ k: 'end', t: now(), tail: tail as unknown as Record<string, unknown> });
  outputs.stop();
  const report = agg.report({ source: path.relative(runDir, stream.file) });
  if (target?.command) report.target.command = target.command;
  if (target?.runtime) report.target.runtime = target.runtime;
  if (suspects) {
    const kept = await suspects.finish(report.verdict !== 'pass');
    if (kept.length > 0) report.artifacts = kept;
    const errs = suspects.errors();
    if (errs.length > 0) report.probeErrors = [...new Set([...(report.probeErrors ?? []), ...errs])];
  }
  if (tempRunDir) await rm(tempRunDir, { recursive: true, force: true });
  opts.progress?.scenarioEnd(report);
  return report;
}
