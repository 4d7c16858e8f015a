// The target of a run (counted or soak), which may die and come back over days. A service with `restart: true` is
// started again on the same port when it exits (steps and the load generator keep their address);
// every death is reported to the runner with its exit status first. Modules and CLI targets are
// the runner's usual sessions, and a service seep attached to is attachedTarget.ts's: their death
// ends the run.
import { startService, type RunningService } from '../drivers/service.ts';
import { createCookieJar, createHttpClient } from '../drivers/httpClient.ts';
import type { ExitStatus } from '../drivers/spawnTarget.ts';
import { noCall, planExec, startTarget, type TargetOptions } from './targetSession.ts';
import { serviceAgent } from './agentSession.ts';
import { COOKIE_ENV } from '../probes/runCookie.ts';
import { listTree } from '../probes/processTree.ts';
import { startAttachedTarget, type AttachedService } from './attachedTarget.ts';
import { startRemoteTarget } from './remoteTarget.ts';
import type { Death, RunTarget, TargetPlanPart } from './runTarget.ts';

/** How long a service gets to exit after SIGTERM when the run ends, as systemd's TimeoutStopSec. */
const STOP_GRACE_MS = 5_000;

const describeExit = (s: ExitStatus) => (s.signal ? `signal ${s.signal}` : `code ${s.code}`);

/** `attached`: an attached service, resolved as its life began (targetLifecycle.ts, attachedTarget.ts). */
export async function startRunTarget(plan: TargetPlanPart, opts: TargetOptions, attached?: AttachedService): Promise<RunTarget> {
  const spec = plan.target;
  if (spec.kind === 'attached') {
    if (!attached) throw new Error(`${spec.attach.field}: the attached process was not resolved before its start`);
    return startAttachedTarget({ ...plan, target: spec }, attached, opts);
  }
  if (spec.kind === 'remote') return startRemoteTarget({ ...plan, target: spec }, opts);
  if (spec.kind !== 'service') {
    const session = await startTarget({ ...plan, target: spec }, opts);
    const pid = session.rootPids()[0] ?? 0;
    const death = session.died.then((reason): Death => ({ pid, status: { code: null, signal: null }, reason }));
    return {
      kind: session.kind, runtime: session.runtime, command: session.command, restartable: false,
      rootPids: session.rootPids, gc: async (_reuse, sites) => ((await session.gc(sites)) ? 'forced' : 'none'), context: () => session.context, baseUrl: () => null,
      nextDeath: () => death, restart: () => Promise.reject(new Error(`a ${session.kind} target cannot be restarted`)),
      agent: () => session.agent,
      agents: () => (session.agent ? [session.agent] : []),
      ...(session.cliDumps ? { cliDumps: session.cliDumps } : {}),
      stop: session.stop,
    };
  }
  // every instance's processes serve their agents in the same folder: reconnect after a restart
  const agent = serviceAgent({ ...opts.env, ...plan.env }, opts.env[COOKIE_ENV] ?? String(process.pid), opts.signal);
  const start = (port?: number) => startService(spec, { repoRoot: opts.repoRoot, env: agent.env, onOutput: opts.onOutput, signal: opts.signal, port });
  let svc: RunningService = await start();
  const treePids = async () => (svc.isRunning() ? (await listTree([svc.pid])).map((p) => p.pid) : []);
  await agent.connect(treePids);
  const port = svc.port;
  const exec = planExec(plan, opts);
  // one cookie jar for the run, as a browser keeps one: a restarted instance's client shares it
  const jar = createCookieJar();
  const client = (url: string) => createHttpClient(url, { jar, ...(opts.retryOnReset ? { retryOnReset: opts.retryOnReset } : {}), ...(opts.beforeRequest ? { beforeRequest: opts.beforeRequest } : {}) });
  let context = { http: client(svc.baseUrl), call: noCall, exec, port };
  let stopping = false;
  const target: RunTarget = {
    kind: 'service',
    command: svc.command,
    restartable: spec.restart,
    rootPids: () => (svc.isRunning() ? [svc.pid] : []),
    async gc(reuseWithinMs, sites) {
      await agent.follow(await treePids());
      return agent.gc(reuseWithinMs, sites);
    },
    agent: () => agent.handle(),
    agents: () => agent.handles(),
    agentless: () => agent.agentless(),
    context: () => context,
    baseUrl: () => svc.baseUrl,
    nextDeath() {
      const current = svc;
      return current.exited.then((status) => ({ pid: current.pid, status, reason: `the service exited on its own (${describeExit(status)})` }));
    },
    async restart() {
      if (stopping) return 0;
      const left = await svc.endGroup(1000);
      if (stopping) return left;
      svc = await start(port);
      await agent.connect(treePids);
      context = { ...context, http: client(svc.baseUrl) };
      return left;
    },
    async stop() {
      stopping = true;
      const killed = await svc.stop(STOP_GRACE_MS);
      await agent.close();
      if (killed) return `the service did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM and was killed with SIGKILL`;
    },
  };
  const runtime = agent.runtime();
  if (runtime) target.runtime = runtime;
  const problem = agent.problem();
  if (problem) target.agentProblem = problem;
  return target;
}
