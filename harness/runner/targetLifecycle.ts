// The target's life in one run: the memory cgroup it runs in, its start (or the attached service
// resolved and watched, or the channel to the test process that started seep), its command and runtime as a stream
// event, every death (a restartable service is started again; any other death ends the run), the
// kernel's OOM kills in its cgroup, and its stop, after which whatever still carries the run cookie
// is an orphan, named and killed (but what a process seep did not start still holds in its tree).
import type { Leftover } from '../report/runReportSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { formatBytes } from '../scenario/units.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import type { AgentHandle } from './agentHandle.ts';
import { attachedFound, attachedTree, resolveAttached, type AttachedService } from './attachedTarget.ts';
import { collectOrphans } from './collectOrphans.ts';
import { openMemoryLimit, type MemoryLimitSession } from './memoryLimitSession.ts';
import { startRunTarget } from './restartableTarget.ts';
import type { TargetOptions } from './targetSession.ts';
import { startCallerTarget } from './callerTarget.ts';
import type { RunTarget, TargetPlanPart } from './runTarget.ts';
import { watchDeaths, type DeathWatch, type DeathWatchOptions } from './targetDeaths.ts';
import { createTargetOutput } from './targetOutput.ts';
import { readTargetRuntime } from './targetRuntime.ts';

/** The plan's piece the target's life reads: what to start and how (the target, its env, its step timeout, its memory limit). */
export type TargetLaunch = TargetPlanPart & { memoryLimit?: RunPlan['budgets']['memoryLimit'] };

/** What the run opened before the target starts, for its start. */
export interface LaunchContext {
  /** what the parts opened before the target add to its env (its own temp dir: TMPDIR, TEMP, TMP) */
  env?: Record<string, string>;
}

export interface TargetLifecycleOptions extends Omit<DeathWatchOptions, 'watchOom' | 'oomReason'> {
  repoRoot: string;
  cookie: string;
  signal: AbortSignal;
  /** a problem of observing, for the report's probe errors */
  problem(message: string): void;
  /** a service's step requests reset by a worker exiting are retried when this says why (resetRetry.ts) */
  retryOnReset?: TargetOptions['retryOnReset'];
  beforeRequest?: TargetOptions['beforeRequest'];
}

export interface TargetLifecycle extends Pick<DeathWatch, 'fatal' | 'deaths' | 'restarting' | 'ignoreDeaths'> {
  start(launch: TargetLaunch, context: LaunchContext): Promise<RunTarget>;
  current(): RunTarget | null;
  /** what a step races: a death that ends the run (a restartable target's deaths are the restart's) */
  died(): Promise<string>;
  /** OOM kills in the cgroup since the last look; at every sample, as a pre-fork master may survive its worker's */
  watchOom(): void;
  oomReason(): string | undefined;
  /** the memory cgroup's usage: the memoryLimit's, or the attached service's own */
  cgroupUsage(): number | null;
  /** why a heap snapshot would not fit under the memoryLimit, or null */
  noRoomForSnapshot(agent: AgentHandle): Promise<string | null>;
  /** stops the target and returns the orphans */
  stop(): Promise<Leftover[]>;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * The service seep attaches to, resolved (throws, naming the field or flag, when it cannot be: the
 * run's error), and what was found of it told to the stream at once: a run whose target then never
 * gets ready still names the pid, the URL and the cgroup.
 */
async function attach(spec: Extract<TargetLaunch['target'], { kind: 'attached' }>, o: Pick<TargetLifecycleOptions, 'repoRoot' | 'emit' | 'now' | 'note'>): Promise<AttachedService> {
  const attached = await resolveAttached(spec, o.repoRoot);
  o.emit({ k: 'target', t: o.now(), command: attached.process.command, attached: attachedFound(spec, attached) });
  if (typeof attached.cgroup === 'string') o.note(`no cgroupMemory for the attached process: ${attached.cgroup}`);
  return attached;
}

export function createTargetLifecycle(o: TargetLifecycleOptions): TargetLifecycle {
  const { emit, now } = o;
  let target: RunTarget | null = null;
  let died: Promise<string> | null = null;
  let memoryLimit: MemoryLimitSession | null = null;
  let oomReason: string | undefined;
  let attached: AttachedService | undefined;
  let ownCgroup: Exclude<AttachedService['cgroup'], string> | null = null;
  const output = createTargetOutput(emit, now);
  const watchOom = () => {
    const k = memoryLimit?.newOomKills();
    if (!k || k.count === 0) return;
    oomReason ??= `OOM-killed by the kernel under the ${memoryLimit!.limit.written} memoryLimit` + (k.usage === null ? '' : ` (the cgroup held ${formatBytes(k.usage)})`);
    for (let i = 0; i < k.count; i++) emit({ k: 'oom', t: now(), usage: k.usage });
    o.say(oomReason);
  };
  const deaths = watchDeaths({ ...o, watchOom, oomReason: () => oomReason });
  return {
    async start(launch, context) {
      if (launch.memoryLimit) {
        const opened = await openMemoryLimit(launch.memoryLimit, o.cookie);
        if (typeof opened === 'string') {
          o.say(opened);
          o.problem(opened);
        } else memoryLimit = opened;
      }
      if (launch.target.kind === 'attached') attached = await attach(launch.target, o);
      ownCgroup = attached && typeof attached.cgroup !== 'string' ? attached.cgroup : null;
      const targetOpts: TargetOptions = {
        repoRoot: o.repoRoot,
        env: { ...stringEnv(process.env), [COOKIE_ENV]: o.cookie, ...memoryLimit?.env, ...context.env },
        onOutput: output.onOutput,
        signal: o.signal,
        ...(o.retryOnReset ? { retryOnReset: o.retryOnReset, beforeRequest: o.beforeRequest } : {}),
      };
      // the process that started seep (a test) is measured in place; every other target is started here
      target = launch.target.kind === 'caller' ? await startCallerTarget({ ...launch, target: launch.target }, targetOpts) : await startRunTarget(launch, targetOpts, attached);
      // the interpreter the target runs on, from the target itself (its agent, or /proc/PID/exe)
      const runtimeVersion = await readTargetRuntime(target);
      if (typeof runtimeVersion === 'string') o.note(runtimeVersion, 'info');
      const version = runtimeVersion !== null && typeof runtimeVersion === 'object' ? { runtimeVersion } : {};
      if (target.command || target.runtime || 'runtimeVersion' in version) emit({ k: 'target', t: now(), ...(target.command ? { command: target.command } : {}), ...(target.runtime ? { runtime: target.runtime } : {}), ...version });
      deaths.follow(target);
      died = target.restartable ? deaths.fatal.then(() => new Promise<string>(() => undefined)) : deaths.fatal;
      return target;
    },
    current: () => target,
    died: () => died ?? deaths.fatal,
    fatal: deaths.fatal,
    deaths: deaths.deaths,
    restarting: deaths.restarting,
    ignoreDeaths: deaths.ignoreDeaths,
    watchOom,
    oomReason: () => oomReason,
    cgroupUsage: () => memoryLimit?.usage() ?? ownCgroup?.usage() ?? null,
    noRoomForSnapshot: async (agent) => (memoryLimit ? memoryLimit.noRoomForSnapshot(agent) : null),
    async stop() {
      await deaths.restarting()?.catch(() => undefined);
      emit({ k: 'stopping', t: now() });
      const stopNote = await target?.stop().catch((err: unknown) => {
        o.problem(`stopping the target failed: ${(err as Error).message}`);
      });
      if (stopNote) o.problem(stopNote);
      output.flush();
      const spare = await Promise.all([attachedTree(attached), target?.spare?.() ?? []]).then((trees) => trees.flat(), (err: unknown) => {
        o.problem(`listing the tree of the process seep did not start failed: ${(err as Error).message}`);
        return [];
      });
      const orphans = await collectOrphans(o.cookie, undefined, spare).catch((err: unknown) => {
        o.problem(`killing leftover processes failed: ${(err as Error).message}`);
        return [] as Leftover[];
      });
      await memoryLimit?.close();
      return orphans;
    },
  };
}
