// Suspects for one scenario: the agent's view at three points (after warmup, after the measured
// iterations, after settle), traced while the target still runs, as evidence the judge ranks. Snapshots stay under the run's
// report folder only when the scenario did not pass, within a size cap.
import os from 'node:os';
import path from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import { createSuspectCollector } from '../agents/suspectCollector.ts';
import type { AgentHandle } from './agentHandle.ts';
import type { AttributionBudget } from '../agents/attributionBudget.ts';
import { fileSlug } from '../scenario/fileSlug.ts';

const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

export interface SuspectSession {
  atBaseline(): Promise<void>;
  afterMeasured(): Promise<void>;
  /** no time for the look after the measured steps: the one after the settle stands for it */
  skipMeasured(): void;
  afterSettle(measuredIterations: number): Promise<void>;
  /** what the looks saw; empty when they were not all taken */
  evidence(): SuspectEvidence;
  /** keeps the snapshots (returning their paths relative to the run folder) or deletes them */
  finish(keep: boolean): Promise<string[]>;
  errors(): string[];
}

// A V8 heap snapshot costs the target about its heap again in memory and time, and a file of several
// times its size: past this, suspects are not worth stalling (or OOM-killing) the target for.
export const MAX_NODE_HEAP_FOR_SNAPSHOTS = 512e6;

/** Why the agent should not take its looks at this target now, or null when it may. */
export async function tooLargeToLook(agent: AgentHandle): Promise<string | null> {
  if (agent.runtime !== 'node') return null;
  const m = (await agent.request('memory').catch(() => null)) as { heap?: { used_heap_size: number } } | null;
  const used = m?.heap?.used_heap_size ?? 0;
  return used > MAX_NODE_HEAP_FOR_SNAPSHOTS
    ? `no suspects named: the target's V8 heap holds ${Math.round(used / 1e6)} MB, over the ${MAX_NODE_HEAP_FOR_SNAPSHOTS / 1e6} MB that heap snapshots are taken for`
    : null;
}

export function createSuspectSession(
  agent: AgentHandle,
  opts: { runDir?: string; scenarioName: string; cookie: string; budget: AttributionBudget },
): SuspectSession {
  const base = opts.runDir ?? path.join(os.tmpdir(), `seep-${opts.cookie.slice(-24)}`);
  const workDir = path.join(base, 'snapshots', fileSlug(opts.scenarioName, 60));
  const collector = createSuspectCollector({
    runtime: agent.runtime,
    request: agent.request,
    workDir,
    keepSnapshots: true,
    maxSnapshotBytes: MAX_SNAPSHOT_BYTES,
    budget: opts.budget,
    // the engine counts them at every boundary, with their rate per measured step (warningCountsCollector.ts)
    pythonWarnings: false,
  });
  let result: SuspectEvidence = { runtime: agent.runtime, steps: 0, growth: [], holders: [], warnings: [], warningsBefore: 0 };
  let reached = 0; // how many of the three points were taken: suspects need all three
  return {
    atBaseline: async () => {
      await mkdir(workDir, { recursive: true });
      await collector.atBaseline();
      reached = 1;
    },
    afterMeasured: async () => {
      if (reached !== 1) return;
      await collector.afterMeasured();
      reached = 2;
    },
    skipMeasured: () => {
      if (reached !== 1) return;
      collector.skipMeasured();
      reached = 2;
    },
    afterSettle: async (measuredIterations) => {
      if (reached !== 2) return;
      await collector.afterSettle();
      result = await collector.evidence(measuredIterations);
    },
    evidence: () => result,
    finish: async (keep) => {
      // without a run folder there is nowhere to keep them: a temp dir would only fill the disk
      if (!keep || !opts.runDir) {
        collector.discardSnapshots();
        if (!opts.runDir) await rm(base, { recursive: true, force: true });
        return [];
      }
      return collector.artifacts().map((f) => path.relative(opts.runDir!, f));
    },
    errors: () => collector.errors(),
  };
}
