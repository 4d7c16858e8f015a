// The run's face of the process that started seep (`seep caller`: the pytest plugin's test process).
// It is measured as a function worker is: its tree sampled from /proc (seep's own process, its child,
// is never part of it: probes/processTree.ts), its agent asked for the heap, the types and the
// suspects, a forced GC before every boundary, the step a `call` of the body it serves. What differs
// is what seep did not start: the run cookie goes into its environment by request, for the processes
// the body starts; it is never restarted nor signalled, and what remains of its tree at the end is
// its own, not an orphan; its output is its test runner's, so its warnings come from its agent.
import type { RunPlan } from '../scenario/runPlan.ts';
import { connectCaller } from '../drivers/callerChannel.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { listTree } from '../probes/processTree.ts';
import type { AgentHandle } from './agentHandle.ts';
import { agentWarningLines } from './agentWarningLines.ts';
import type { Death, RunTarget, TargetPlanPart } from './runTarget.ts';
import { noHttp, planExec, type TargetOptions } from './targetSession.ts';

type CallerPlan = Extract<RunPlan['target'], { kind: 'caller' }>;

export async function startCallerTarget(plan: TargetPlanPart & { target: CallerPlan }, opts: TargetOptions): Promise<RunTarget> {
  const spec = plan.target;
  const caller = await connectCaller(spec.fd, opts.signal);
  const cookie = opts.env[COOKIE_ENV];
  // what the body starts carries the cookie: a process that leaves the tree is still found
  if (cookie) await caller.request('setenv', { env: { [COOKIE_ENV]: cookie } });
  const { pid } = caller;
  const agent: AgentHandle = { runtime: spec.runtime, pid, role: 'root', request: caller.request, close: () => undefined };
  const death = caller.closed.then((reason): Death => ({ pid, status: { code: null, signal: null }, reason }));
  const context = { http: noHttp('test'), call: (fn: string, args: unknown[] = []) => caller.call(fn, args, plan.stepTimeoutMs), exec: planExec(plan, opts), port: undefined };
  return {
    kind: 'module',
    runtime: spec.runtime,
    command: spec.command,
    restartable: false,
    rootPids: () => (caller.isOpen() ? [pid] : []),
    async gc() {
      await caller.request('gc');
      return true;
    },
    context: () => context,
    baseUrl: () => null,
    nextDeath: () => death,
    restart: () => Promise.reject(new Error('seep does not restart the process that started it')),
    agent: () => agent,
    agents: () => [agent],
    collectors: [agentWarningLines(agent, (text) => opts.onOutput('stderr', Buffer.from(text)))],
    spare: async () => (await listTree([pid])).map((p) => p.pid),
    stop: async () => caller.close(),
  };
}
