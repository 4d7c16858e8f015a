// The run's face of a service seep attached to and did not start. It is resolved as the target's
// life begins, and what was found goes to the stream at once (the report names the pid, the URL and
// the cgroup even when the run then fails); it is sampled as a tree like any service, and driven over its URL; but it has no agent (seep injects
// one only into what it starts), is never restarted, and stop() only stops watching: the process and
// every child it had are left as they were.
import type { AttachedTarget } from '../report/runReportSchema.ts';
import { listTree } from '../probes/processTree.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { attachToProcess, listeningUrl, stillRunning, watchExit, type AttachedProcess } from '../drivers/attachedProcess.ts';
import { processMemoryCgroup, type ProcessMemoryCgroup } from '../probes/memoryCgroup.ts';
import { createCookieJar, createHttpClient } from '../drivers/httpClient.ts';
import { describeReady, httpReady, tcpReady } from '../drivers/readiness.ts';
import { pollUntil, PollTimeout } from '../drivers/pollUntil.ts';
import { noCall, planExec, type TargetOptions } from './targetSession.ts';
import type { Death, RunTarget, TargetPlanPart } from './runTarget.ts';

type AttachedPlan = Extract<RunPlan['target'], { kind: 'attached' }>;

export interface AttachedService {
  process: AttachedProcess;
  url: string;
  /** its own memory cgroup, sampled as cgroupMemory; or why there is none to sample */
  cgroup: ProcessMemoryCgroup | string;
}

export const NO_AGENT = 'not injected (attached process)' as const;
const DEFAULT_READY_TIMEOUT_MS = 15_000;

/** The process, its URL and its cgroup; throws, naming the field or flag, when it cannot be attached to. */
export async function resolveAttached(spec: AttachedPlan, repoRoot: string): Promise<AttachedService> {
  const process = attachToProcess(spec.attach, repoRoot);
  const url = spec.url ?? (await listeningUrl(process, spec.attach.field));
  return { process, url, cgroup: await processMemoryCgroup(process.pid) };
}

/** The report's attached target as resolved: for the stream's 'target' event, over what the head took from the plan. */
export function attachedFound(spec: AttachedPlan, resolved: AttachedService): AttachedTarget {
  const out: AttachedTarget = { pid: resolved.process.pid, url: resolved.url, agent: NO_AGENT };
  if ('pidFile' in spec.attach) out.pidFile = spec.attach.pidFile;
  if (typeof resolved.cgroup !== 'string') out.cgroup = resolved.cgroup.dir;
  return out;
}

/** The attached process and every process of its tree now: never seep's to kill, whatever they carry. */
export async function attachedTree(attached: AttachedService | undefined): Promise<number[]> {
  if (!attached || !stillRunning(attached.process)) return [];
  return (await listTree([attached.process.pid])).map((p) => p.pid);
}

export async function startAttachedTarget(plan: TargetPlanPart & { target: AttachedPlan }, attached: AttachedService, opts: TargetOptions): Promise<RunTarget> {
  const { process: proc, url } = attached;
  const watch = watchExit(proc);
  const gone = `the attached process (pid ${proc.pid}) exited`;
  const ready = plan.target.ready;
  if (ready) {
    const timeoutMs = ready.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const target = new URL(url);
    const attempt = 'http' in ready ? httpReady(url, ready.http) : tcpReady(Number(target.port) || 80, target.hostname.replace(/^\[|\]$/g, ''));
    const exited = watch.exited.then(() => Promise.reject(new Error(`${gone} while seep waited for ${describeReady(ready)}`)));
    try {
      await Promise.race([pollUntil(attempt, { timeoutMs, signal: opts.signal }), exited]);
    } catch (err) {
      watch.stop();
      if (!(err instanceof PollTimeout)) throw err;
      throw new Error(`the attached process (pid ${proc.pid}) was not ready at ${url} after ${timeoutMs} ms waiting for ${describeReady(ready)}; last attempt: ${err.lastReason}`, { cause: err });
    }
  }
  const death = watch.exited.then((): Death => ({
    pid: proc.pid,
    status: { code: null, signal: null },
    reason: `${gone} during the run (seep did not start it, so it neither restarts it nor knows its exit status)`,
  }));
  const context = { http: createHttpClient(url, { jar: createCookieJar() }), call: noCall, exec: planExec(plan, opts), port: Number(new URL(url).port) || 80 };
  return {
    kind: 'service',
    command: proc.command,
    restartable: false,
    // a pid reused after the process exited is another process: never sampled as the target
    rootPids: () => (stillRunning(proc) ? [proc.pid] : []),
    gc: async () => 'none',
    context: () => context,
    baseUrl: () => url,
    nextDeath: () => death,
    restart: () => Promise.reject(new Error('seep does not restart a process it did not start')),
    agent: () => null,
    agents: () => [],
    agentProblem: `no heap agent: seep attached to pid ${proc.pid} and did not start it, so none was injected (no runtime heap, forced GC, per-type growth or suspects)`,
    stop: async () => watch.stop(),
  };
}
