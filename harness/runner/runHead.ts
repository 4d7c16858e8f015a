// The first line of a run's stream: what `seep report` needs to judge the run from the stream alone
// (budgets and alerts as numbers, the warmup, how the measured phase ends) and the target as the
// plan names it. What is known only once the target runs (its command and runtime, and what seep
// found of a service it attached to) follows as an event of its own.
import path from 'node:path';
import { soakLoadOf, type RunPlan } from '../scenario/runPlan.ts';
import type { StreamHead } from '../observations/streamHead.ts';
import type { AttachedTarget, ScenarioReport } from '../report/runReportSchema.ts';
import { NO_AGENT } from './attachedTarget.ts';

/** What of the plan the head reads: the target as planned and what judging the stream alone needs. */
export type HeadPlanPart = Pick<RunPlan, 'name' | 'target' | 'evidence' | 'budgets' | 'alerts' | 'measure' | 'warmup' | 'sampleHz' | 'load'>;

export function runHead(plan: HeadPlanPart, file: string, startedAt: Date): StreamHead {
  const t = plan.target;
  return {
    name: plan.name,
    file,
    startedAt: startedAt.toISOString(),
    target: t.kind === 'attached' ? attachedHead(t) : t.kind === 'remote' ? remoteHead(plan) : t.kind === 'service'
      ? { kind: 'service', command: t.command }
      : t.kind === 'module'
        ? { kind: 'module', runtime: t.runtime, command: [t.runtime === 'python' ? 'python3' : 'node', path.normalize(t.path)] }
        : t.kind === 'caller' ? { kind: 'module', runtime: t.runtime, command: t.command } : { kind: 'cli' },
    budgets: plan.budgets,
    alerts: plan.alerts,
    durationMs: 'ms' in plan.measure ? plan.measure.ms : 0,
    measure: plan.measure,
    warmup: plan.warmup,
    sampleHz: plan.sampleHz,
    // the stream marks the first step (a 'firstStep' event): output before it is the target's start-up
    marksStart: true,
    ...(soakLoadOf(plan) ? { asksLoad: true } : {}),
  };
}

/** The report's target: the service at its URL, and where its evidence comes from. */
function remoteHead(plan: Pick<RunPlan, 'target' | 'evidence'>): ScenarioReport['target'] {
  const p = plan.evidence?.prometheus;
  const url = plan.target.kind === 'remote' ? plan.target.url : undefined;
  if (!p) return { kind: 'service' };
  return { kind: 'service', remote: { prometheus: p.url, query: p.queries.query, metric: p.queries.metric, ...(url ? { url } : {}) } };
}

/** The report's service seep attaches to, as the plan names it: the pid (or pid file) and URL it was given, if any. */
function attachedHead(t: Extract<RunPlan['target'], { kind: 'attached' }>): ScenarioReport['target'] {
  const attached: AttachedTarget = { pid: 'pid' in t.attach ? t.attach.pid : null, url: t.url, agent: NO_AGENT };
  if ('pidFile' in t.attach) attached.pidFile = t.attach.pidFile;
  return { kind: 'service', attached };
}
