// The evidence collectors of a run, in the order they add to a boundary read (the runtime heap
// first: the per-type reads look at the heap it read). The one place that knows them by name; the
// engine only walks the list.
import type { RunPlan } from '../scenario/runPlan.ts';
import { phaseCode, type StreamEvent } from '../series/sampleStream.ts';
import { cliDumpCollector, runtimeHeapCollector, type EvidenceCollector } from './evidenceCollectors.ts';
import type { RunTarget } from './runTarget.ts';
import { suspectNamingCollector, type SuspectNamingOptions } from './suspectNaming.ts';
import { SOAK_SAMPLES_PER_SECOND, typeGrowthCollector } from './typeGrowthCollector.ts';
import { warningCountsCollector } from './warningCountsCollector.ts';
import { agentCoverageCollector } from './agentCoverageCollector.ts';
import { prometheusEvidence, type RunWindow } from './prometheusEvidence.ts';

export interface RunCollectorsOptions extends Omit<SuspectNamingOptions, 'target'> {
  /** the run's window on the wall clock, for evidence read afterwards over it (Prometheus') */
  window: RunWindow;
}

export function runCollectors(
  plan: Pick<RunPlan, 'name' | 'file' | 'target' | 'budgets' | 'evidence' | 'settleMs' | 'pace' | 'attributionSteps' | 'load' | 'measure'>,
  target: RunTarget,
  /** the collectors opened before the target started (the disk's: its temp dir is in the target's env; the step clock) */
  opened: EvidenceCollector[],
  o: RunCollectorsOptions,
): EvidenceCollector[] {
  const emit = (e: StreamEvent) => o.emit(e);
  return [
    // a soak's checkpoints run beside its steps and load: the heap as the GC left it, not after the reads
    runtimeHeapCollector(() => target.agents(), (procs, s) => emit({ k: 'heaps', t: s.t, p: phaseCode(s.phase), procs }), { afterGc: 'ms' in plan.measure }),
    // a soak samples a Node target's allocations at its pace (a busy server's requests would cost twice)
    typeGrowthCollector(() => target.agent(), emit, () => target.agents(), 'ms' in plan.measure ? { samplesPerSecond: SOAK_SAMPLES_PER_SECOND } : {}),
    warningCountsCollector(() => target.agents(), emit),
    ...(target.cliDumps ? [cliDumpCollector(target.cliDumps)] : []),
    agentCoverageCollector(target, o),
    ...(target.collectors ?? []),
    ...opened,
    suspectNamingCollector(plan, { ...o, target }),
    // a deployed service's replicas, from Prometheus once the run is over
    ...(plan.evidence ? [prometheusEvidence(plan, plan.evidence.prometheus, o.window)] : []),
  ];
}
