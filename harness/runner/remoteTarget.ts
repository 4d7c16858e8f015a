// The run's face of a deployed service (`service: { url }`, evidence from Prometheus): steps and
// load go to its URL, and that is all seep does to it. It has no process on this machine (nothing
// to sample, no agent, no GC to force, nothing to restart or stop), so the sampler reads no tree and
// the evidence comes afterwards from Prometheus (prometheusEvidence.ts).
import type { RunPlan } from '../scenario/runPlan.ts';
import { createCookieJar, createHttpClient } from '../drivers/httpClient.ts';
import { describeReady, httpReady, tcpReady } from '../drivers/readiness.ts';
import { pollUntil, PollTimeout } from '../drivers/pollUntil.ts';
import { noCall, planExec, type TargetOptions } from './targetSession.ts';
import type { Death, RunTarget, TargetPlanPart } from './runTarget.ts';

type RemotePlan = Extract<RunPlan['target'], { kind: 'remote' }>;

const DEFAULT_READY_TIMEOUT_MS = 15_000;
const NEVER = new Promise<Death>(() => undefined);

export async function startRemoteTarget(plan: TargetPlanPart & { target: RemotePlan }, opts: TargetOptions): Promise<RunTarget> {
  const { url, ready } = plan.target;
  if (ready) {
    const timeoutMs = ready.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    const at = new URL(url);
    const attempt = 'http' in ready ? httpReady(url, ready.http) : tcpReady(Number(at.port) || 80, at.hostname.replace(/^\[|\]$/g, ''));
    try {
      await pollUntil(attempt, { timeoutMs, signal: opts.signal });
    } catch (err) {
      if (!(err instanceof PollTimeout)) throw err;
      throw new Error(`the deployed service was not ready at ${url} after ${timeoutMs} ms waiting for ${describeReady(ready)}; last attempt: ${err.lastReason}`, { cause: err });
    }
  }
  // one cookie jar for the run, as for a service seep starts
  const context = { http: createHttpClient(url, { jar: createCookieJar() }), call: noCall, exec: planExec(plan, opts), port: Number(new URL(url).port) || 80 };
  return {
    kind: 'service',
    restartable: false,
    rootPids: () => [],
    gc: async () => false,
    context: () => context,
    baseUrl: () => url,
    nextDeath: () => NEVER,
    restart: () => Promise.reject(new Error('seep does not restart a service it did not start')),
    agent: () => null,
    agents: () => [],
    stop: async () => undefined,
  };
}
