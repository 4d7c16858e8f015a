// What observes the target beyond the process tree's /proc reads, as plugins the engine does not
// know by name, in the spirit of fuite's metric factories ({ beforeIterations, afterIterations,
// getResult }): each adds to the boundary reads and, once the run is over, says what it found. The
// judging of what they gather is in analysis/, not here.
import type { Sample, Suspect } from '../report/schema.ts';
import { cliSuspects, removeCliDumps } from '../agents/cliDumps.ts';
import type { AgentHandle } from './agentSession.ts';
import { heapFigures } from '../agents/runtimeHeap.ts';
import type { TargetSession } from './targetSession.ts';

export interface EvidenceCollector {
  /** adds to a boundary read, taken after the forced GC */
  atBoundary?(s: Sample): Promise<void>;
  /** after the measured phase, its settle and the attribution steps: suspects it names, problems it had */
  afterRun?(measuredSteps: number): Promise<{ suspects: Suspect[]; errors: string[] }>;
}

/**
 * The runtime heap after the GC, from the agent in the target (the one running now: a restarted
 * service has a new one): V8's used heap plus external Buffers, and what V8 holds for it; Python's
 * tracemalloc current where it traces. Judged as heapGrowth, and weighed against RSS growth.
 */
export function runtimeHeapCollector(agent: () => AgentHandle | null): EvidenceCollector {
  const failures = new Set<string>();
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
    },
    afterRun: async () => ({ suspects: [], errors: [...failures].slice(0, 5) }),
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
