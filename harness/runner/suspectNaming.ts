// Naming suspects, as an evidence collector: once the measured phase has ended (settle included),
// the agent takes its three looks (baseline, after extra steps of their own, after a settle) within
// the attribution budget, and what grew is ranked (suspectSession.ts). Nothing of it is sampled: a
// snapshot of a 100 MB heap lifted a Node target's RSS by 700 MB, which would be read as growth, or
// raise an alert after the soak. Its snapshots are kept in the run folder only when the run did not
// pass.
import { attributionBudgetMs, createAttributionBudget } from '../agents/attributionBudget.ts';
import { afterStepsMs, attributionSteps } from './attributionSteps.ts';
import { lookClock } from '../agents/lookClock.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { NoteKind, StreamEvent } from '../series/sampleStream.ts';
import type { AgentHandle } from './agentHandle.ts';
import type { EvidenceCollector, MeasuredRun } from './evidenceCollectors.ts';
import { sleep } from './raceStep.ts';
import type { RunTarget } from './runTarget.ts';
import { createSuspectSession, tooLargeToLook, type SuspectSession } from './suspectSession.ts';
import { treeTypeCounts } from './treeTypeCounts.ts';

export interface SuspectNamingOptions {
  target: RunTarget;
  /** why a heap snapshot would not fit under the memoryLimit, or null */
  noRoomForSnapshot(agent: AgentHandle): Promise<string | null>;
  runDir: string;
  cookie: string;
  emit(e: StreamEvent): void;
  /** a problem of observing; 'info': how the looks were taken, no problem */
  note(message: string, kind?: NoteKind): void;
  now(): number;
}

export function suspectNamingCollector(plan: Pick<RunPlan, 'name' | 'settleMs' | 'pace' | 'attributionSteps' | 'load' | 'measure'>, o: SuspectNamingOptions): EvidenceCollector {
  let suspects: SuspectSession | null = null;

  /** the agent to look through, or null when there is none or its looks would cost too much */
  const lookingAgent = async (run: MeasuredRun): Promise<AgentHandle | null> => {
    const agent = o.target.agent();
    if (o.target.agentProblem) o.note(o.target.agentProblem);
    if (!agent || !run.ended || run.signal.aborted) return null;
    const tooLarge = (await tooLargeToLook(agent)) ?? (await o.noRoomForSnapshot(agent));
    if (tooLarge) o.note(tooLarge);
    return tooLarge ? null : agent;
  };

  /** which processes' counts were summed, and which were not looked at */
  const noteTree = (agent: AgentHandle, summed: number[]) => {
    const others = o.target.agents().filter((a) => a.role === 'worker' && !summed.includes(a.pid)).map((a) => a.pid);
    // how the looks were taken over a pre-fork tree: the report's notes, not its problems
    if (summed.length > 0) o.note(`suspects: gc type counts were summed over the root process (pid ${agent.pid}) and the ${summed.length} worker${summed.length === 1 ? '' : 's'} running its program (pid ${summed.join(', ')}), and so were their warnings, allocation sites, open resources and grown containers; a referrer chain was searched for in the process holding the most of its type`, 'info');
    if (others.length > 0) o.note(`suspects were looked for in the root process (pid ${agent.pid})${summed.length ? ' and the workers running its program' : ''} only: ${others.length} other process${others.length === 1 ? '' : 'es'} of the tree serving an agent (pid ${others.join(', ')}) ${others.length === 1 ? 'was' : 'were'} not looked at`, 'info');
  };

  return {
    async afterMeasured(run) {
      const agent = await lookingAgent(run);
      if (!agent) return;
      // counted in the CPU time of the processes doing the looks: a busy machine stretches them, not the budget
      const clock = lookClock({ agentPids: () => [agent.pid, ...o.target.agents().map((a) => a.pid)] });
      const budget = createAttributionBudget(attributionBudgetMs(run.ms), clock);
      const tree = treeTypeCounts(agent, () => o.target.agents());
      suspects = createSuspectSession({ ...agent, request: tree.request }, { runDir: o.runDir, scenarioName: plan.name, cookie: o.cookie, budget });
      await suspects.atBaseline();
      noteTree(agent, tree.summedWorkers());
      const lookMs = budget.elapsedMs();
      const attributed = await attributionSteps(plan, { target: o.target, now: o.now, note: o.note }, { run, budget, lookMs });
      // two more looks and the places would not fit: the look after the settle stands for both
      if (budget.remainingMs() < afterStepsMs(plan, lookMs)) {
        budget.cut(`the look after the extra steps skipped, the first took ${(lookMs / 1000).toFixed(1)} s: growth is read from the baseline to the look after the settle`);
        suspects.skipMeasured();
      } else await suspects.afterMeasured();
      await sleep(Math.min(plan.settleMs, budget.remainingMs()), run.signal);
      await suspects.afterSettle(attributed);
      // in the stream too, so that a report rebuilt from it names them
      o.emit({ k: 'evidence', t: o.now(), evidence: suspects.evidence() });
      o.emit({ k: 'attribution', t: o.now(), attribution: budget.summary() });
    },
    async afterVerdict(failed) {
      if (!suspects) return { artifacts: [], errors: [] };
      return { artifacts: await suspects.finish(failed), errors: suspects.errors() };
    },
  };
}
