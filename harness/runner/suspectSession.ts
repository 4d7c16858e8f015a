// Suspects for one scenario: the agent's view at three points (after warmup, after the measured
// iterations, after settle), ranked while the target still runs. Snapshots stay under the run's
// report folder only when the scenario did not pass, within a size cap.
import os from 'node:os';
import path from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import type { Suspect } from '../report/schema.ts';
import { createSuspectCollector } from '../agents/suspectCollector.ts';
import type { AgentHandle } from './agentSession.ts';

const MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024;

export interface HeapFigures {
  used: number | null;
  committed: number | null;
}

export interface SuspectSession {
  heap(): Promise<HeapFigures>;
  atBaseline(): Promise<void>;
  afterMeasured(): Promise<void>;
  afterSettle(measuredIterations: number): Promise<void>;
  ranked(): Suspect[];
  /** keeps the snapshots (returning their paths relative to the run folder) or deletes them */
  finish(keep: boolean): Promise<string[]>;
  errors(): string[];
}

export function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'scenario';
}

export function createSuspectSession(agent: AgentHandle, opts: { runDir?: string; scenarioName: string; cookie: string }): SuspectSession {
  const base = opts.runDir ?? path.join(os.tmpdir(), `seep-${opts.cookie.slice(-24)}`);
  const workDir = path.join(base, 'snapshots', slug(opts.scenarioName));
  const collector = createSuspectCollector({
    runtime: agent.runtime,
    request: agent.request,
    workDir,
    keepSnapshots: true,
    maxSnapshotBytes: MAX_SNAPSHOT_BYTES,
  });
  let result: Suspect[] = [];
  let reached = 0; // how many of the three points were taken: suspects need all three
  return {
    heap: async () => {
      const used = await collector.heapUsed();
      if (agent.runtime !== 'node') return { used, committed: null };
      // what V8 holds for its heap, used or not: the part of RSS a flat used heap can still grow
      const m = (await agent.request('memory').catch(() => null)) as { heap?: { total_heap_size: number }; memoryUsage?: { external: number } } | null;
      return { used, committed: m?.heap ? m.heap.total_heap_size + (m.memoryUsage?.external ?? 0) : null };
    },
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
    afterSettle: async (measuredIterations) => {
      if (reached !== 2) return;
      await collector.afterSettle();
      result = await collector.suspects(measuredIterations);
    },
    ranked: () => result,
    finish: async (keep) => {
      if (!keep) {
        await collector.discardSnapshots();
        if (!opts.runDir) await rm(base, { recursive: true, force: true });
        return [];
      }
      return collector.artifacts().map((f) => (opts.runDir ? path.relative(opts.runDir, f) : f));
    },
    errors: () => collector.errors(),
  };
}
