// What observes the target beyond the process tree's /proc reads, as plugins the engine does not
// know by name, in the spirit of fuite's metric factories ({ beforeIterations, afterIterations,
// getResult }): each adds to the boundary reads and, once the run is over, says what it found. The
// judging of what they gather is in analysis/, not here.
import type { Leftover, Sample, Suspect } from '../report/schema.ts';
import { cliSuspects, removeCliDumps } from '../agents/cliDumps.ts';
import type { AgentHandle } from './agentSession.ts';
import { heapFigures } from '../agents/runtimeHeap.ts';
import { handleTypeDiff } from './identityDiff.ts';
import type { TargetSession } from './targetSession.ts';

export interface EvidenceCollector {
  /** adds to a boundary read, taken after the forced GC */
  atBoundary?(s: Sample): Promise<void>;
  /** after the measured phase, its settle and the attribution steps: suspects it names, problems it
   * had, and the handle types more numerous after the settle than at the baseline */
  afterRun?(measuredSteps: number): Promise<{ suspects: Suspect[]; errors: string[]; handles?: Leftover[] }>;
}

/**
 * The runtime heap and handles after the GC, from the agent in the target (the one running now: a
 * restarted service has a new one): V8's used heap plus external Buffers, and what V8 holds for it;
 * Python's tracemalloc current where it traces, else malloc's bytes in use, and pymalloc's blocks.
 * Judged as leak.heap (or heapGrowth), and weighed against RSS growth. The handles are a counted
 * resource; their types at the baseline and at the last settle read name what was left open.
 */
export function runtimeHeapCollector(agent: () => AgentHandle | null): EvidenceCollector {
  const failures = new Set<string>();
  let atBaseline: Record<string, number> | null = null;
  let afterSettle: Record<string, number> | null = null;
  return {
    async atBoundary(s) {
      const a = agent();
      if (!a) return;
      const reply = await a.request('memory').catch((err: unknown) => {
        failures.add(`reading the runtime heap failed: ${(err as Error).message}`);
        return null;
      });
      const heap = heapFigures(a.runtime, reply);
      s.values.heapUsed = heap.used;
      s.values.heapCommitted = heap.committed;
      s.values.heapBlocks = heap.blocks;
      s.values.handles = heap.handles;
      // the last warmup read is the baseline; the last settle read is what the check judges
      if (s.phase === 'warmup') atBaseline = heap.handlesByType;
      if (s.phase === 'settle') afterSettle = heap.handlesByType;
    },
    afterRun: async () => ({
      suspects: [],
      errors: [...failures].slice(0, 5),
      handles: atBaseline && afterSettle ? handleTypeDiff(atBaseline, afterSettle) : [],
    }),
  };
}

/**
 * CLI scenarios: the Python agent in each command writes what it saw at exit (warnings with the line
 * that allocated the leaked object, resources still open); read and removed once the run is over.
 */
export function cliDumpCollector(dumps: NonNullable<TargetSession['cliDumps']>): EvidenceCollector {
  return {
    async afterRun(measuredSteps) {
      const found = await cliSuspects(dumps.dir, measuredSteps);
      await removeCliDumps(dumps.dir);
      return found;
    },
  };
}
