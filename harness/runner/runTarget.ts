// The target of a run as the engine sees it, whatever started it: a module's worker, a CLI
// scenario's commands, a service (restartableTarget.ts's, which may die and come back), a service seep
// attached to (attachedTarget.ts), a deployed one it drives at its URL (remoteTarget.ts), or the
// test process that started seep (callerTarget.ts).
import type { StepContext } from '../scenario/types.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { ExitStatus } from '../drivers/spawnTarget.ts';
import type { AgentHandle } from './agentHandle.ts';
import type { TargetSession } from './targetSession.ts';
import type { AgentlessProcess } from '../report/runReportSchema.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';

export interface Death {
  pid: number;
  status: ExitStatus;
  /** "the service exited on its own (signal SIGKILL)" */
  reason: string;
}

/** what gc() did: no agent to ask, a GC forced in some process, or every process's own last full GC reused */
export type GcOutcome = 'none' | 'forced' | 'reused';

/** What of the plan starting a target reads. */
export type TargetPlanPart = Pick<RunPlan, 'target' | 'env' | 'stepTimeoutMs'>;

export interface RunTarget {
  /** an attached service is a service too, and so is a deployed one */
  kind: Exclude<RunPlan['target']['kind'], 'attached' | 'remote'>;
  runtime?: TargetSession['runtime'];
  command?: string[];
  restartable: boolean;
  rootPids(): number[];
  /**
   * follows the tree's agents to its processes now, and forces a GC in each; with reuseWithinMs, not
   * in a process whose own last full GC ended that recently (its heap as that GC left it stands);
   * with sites, the boundary reads the allocation sites next, and a forced GC in a Node process that
   * samples them runs its first pass as the profile's (agents/node/seepAgent.cjs collect())
   */
  gc(reuseWithinMs?: number, sites?: boolean): Promise<GcOutcome>;
  /** the step context of the instance running now */
  context(): Omit<StepContext, 'iteration' | 'phase' | 'signal'>;
  /** base URL of the service, for the load generator */
  baseUrl(): string | null;
  /** resolves at the next death of the instance running now */
  nextDeath(): Promise<Death>;
  /**
   * Ends what the dead instance left of its process group (workers that keep its port, so that a
   * readiness check would reach them and not the new instance), then starts the service again on
   * its port. Resolves to how many processes were left; rejects when the service does not come up.
   */
  restart(): Promise<number>;
  /** CLI scenarios: where the Python agent of each invocation writes what it saw at exit */
  cliDumps?: TargetSession['cliDumps'];
  /** the heap agent in the root process of the instance running now, if there is one */
  agent(): AgentHandle | null;
  /** the heap agents of every process of the tree that serves one (as of the last gc()), the root's first */
  agents(): AgentHandle[];
  /** why there is no agent, when there is none */
  agentProblem?: string;
  /** processes of a known runtime in the tree with no agent answering (services seep started) */
  agentless?(): { listed: AgentlessProcess[]; more: number };
  /** resolves to a note when the target had to be killed (it ignored SIGTERM) */
  stop(): Promise<string | void>;
  /** evidence of its own, beside the engine's (the caller's warnings, read from its agent) */
  collectors?: EvidenceCollector[];
  /** processes left as they are at the end, whatever they carry: the tree of a process seep did not start */
  spare?(): Promise<number[]>;
}
