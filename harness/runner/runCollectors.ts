// The evidence collectors of a run, in the order they add to a boundary read (the runtime heap
// first: the per-type reads look at the heap it read). The one place that knows them by name: each
// is opened through one signature from what the run offers, and the engine walks the list without
// knowing what it opens, as fuite's loop walks its metric factories. Those that must see the
// target's start (setupCollectors: its env, what was there before it) are opened before it, and
// take their place in the list through `opened`.
import type { RunPlan } from '../scenario/runPlan.ts';
import { phaseCode } from '../series/sampleStream.ts';
import { cliDumpCollector, runtimeHeapCollector, type EvidenceCollector } from './evidenceCollectors.ts';
import { suspectNamingCollector, type SuspectNamingOptions } from './suspectNaming.ts';
import { SOAK_SAMPLES_PER_SECOND, typeGrowthCollector } from './typeGrowthCollector.ts';
import { warningCountsCollector } from './warningCountsCollector.ts';
import { agentCoverageCollector } from './agentCoverageCollector.ts';
import { prometheusEvidence, type RunWindow } from './prometheusEvidence.ts';
import { diskCollector, type DiskEvidenceOptions } from './diskCollector.ts';

/** What a run offers the collectors opened before its target starts. */
export interface CollectorSetup extends DiskEvidenceOptions {
  plan: Pick<RunPlan, 'target' | 'budgets'>;
}

/** The collectors opened before the target starts; the engine adds what they say to its env. */
export const setupCollectors: readonly ((run: CollectorSetup) => EvidenceCollector[])[] = [
  // the target's own temp dir, and its working directories listed before it writes in them
  (run) => [diskCollector(run.plan, run)],
];

/** What the collectors opened before the start add to the target's env, in the list's order. */
export function targetEnv(collectors: readonly EvidenceCollector[]): Record<string, string> {
  return Object.assign({}, ...collectors.map((c) => c.beforeStart?.() ?? {})) as Record<string, string>;
}

/** What a run offers its collectors once its target has started. */
export interface CollectorRun extends SuspectNamingOptions {
  plan: Pick<RunPlan, 'name' | 'file' | 'target' | 'budgets' | 'evidence' | 'settleMs' | 'pace' | 'attributionSteps' | 'load' | 'measure'>;
  /** the collectors opened before the target started (setupCollectors'; the step clock) */
  opened: EvidenceCollector[];
  /** the run's window on the wall clock, for evidence read afterwards over it (Prometheus') */
  window: RunWindow;
}

/** One kind of evidence opened on a run: none where it does not apply, or its collectors. */
export type CollectorOpener = (run: CollectorRun) => EvidenceCollector[];

export const runCollectors: readonly CollectorOpener[] = [
  // a soak's checkpoints run beside its steps and load: the heap as the GC left it, not after the reads
  ({ plan, target, emit }) => [runtimeHeapCollector(() => target.agents(), (procs, s) => emit({ k: 'heaps', t: s.t, p: phaseCode(s.phase), procs }), { afterGc: 'ms' in plan.measure })],
  // a soak samples a Node target's allocations at its pace (a busy server's requests would cost twice)
  ({ plan, target, emit }) => [typeGrowthCollector(() => target.agent(), emit, () => target.agents(), 'ms' in plan.measure ? { samplesPerSecond: SOAK_SAMPLES_PER_SECOND } : {})],
  ({ target, emit }) => [warningCountsCollector(() => target.agents(), emit)],
  ({ target }) => (target.cliDumps ? [cliDumpCollector(target.cliDumps)] : []),
  (run) => [agentCoverageCollector(run.target, run)],
  ({ target }) => target.collectors ?? [],
  ({ opened }) => opened,
  (run) => [suspectNamingCollector(run.plan, run)],
  // a deployed service's replicas, from Prometheus once the run is over
  ({ plan, window }) => (plan.evidence ? [prometheusEvidence(plan, plan.evidence.prometheus, window)] : []),
];

/** Every collector of the list opened on the run, in the list's order. */
export function openCollectors<R>(openers: readonly ((run: R) => EvidenceCollector[])[], run: R): EvidenceCollector[] {
  return openers.flatMap((open) => open(run));
}
