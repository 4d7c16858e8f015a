// What observes the target beyond the process tree's /proc reads, as plugins the engine does not
// know by name, in the spirit of fuite's metric factories ({ beforeIterations, afterIterations,
// getResult }): each adds to the boundary reads and, once the run is over, says what it found. The
// judging of what they gather is in analysis/, not here.
import type { Phase, Sample } from '../report/sampleSchema.ts';
import type { Leftover, ScenarioReport } from '../report/runReportSchema.ts';
import type { SuspectEvidence } from '../report/suspectEvidenceSchema.ts';
import { cliSuspects, removeCliDumps } from '../agents/cliDumps.ts';
import type { AgentHandle } from './agentHandle.ts';
import { heapFigures, sumHeapFigures, type HeapFigures } from '../agents/runtimeHeap.ts';
import type { ProcessHeapRead } from '../series/sampleStream.ts';
import { isRunning } from '../probes/procfs.ts';
import { handleTypeDiff } from './handleTypeDiff.ts';
import type { TargetSession } from './targetSession.ts';

export interface EvidenceCollector {
  /** opened before the target starts (runCollectors.ts, setupCollectors): what it adds to the
   * target's env (the disk's own temp dir: TMPDIR, TEMP, TMP) */
  beforeStart?(): Record<string, string>;
  /** before a boundary's GC: this collector reads the root agent's allocation sites at that boundary
   * (the GC then takes V8's profile as its first pass: RunTarget.gc) */
  readsSitesAt?(phase: Phase, iteration: number): boolean;
  /** adds to a boundary read, taken after the forced GC (or, at a soak's checkpoint under way, the target's last one reused) */
  atBoundary?(s: Sample, gc?: BoundaryGc): Promise<void>;
  /** once the measured phase and its settle are over, before the teardown: looks of its own, which
   * may take extra steps (naming suspects) */
  afterMeasured?(run: MeasuredRun): Promise<void>;
  /** once the target is stopped, whatever happened, before the run's tail: what the target left
   * behind, to the stream (the disk's temp dir, listed and removed) */
  afterStop?(): void;
  /** once the target is stopped: suspect evidence it gathered (the judge ranks it), problems it
   * had, and the handle types more numerous after the settle than at the baseline */
  afterRun?(measuredSteps: number): Promise<CollectorFindings>;
  /** once the verdict is known (a failed run keeps what a passing one would delete): files it kept
   * in the run folder, and problems it had that the report lists last */
  afterVerdict?(failed: boolean): Promise<{ artifacts: string[]; errors: string[] }>;
}

export interface CollectorFindings {
  evidence?: SuspectEvidence;
  errors: string[];
  handles?: Leftover[];
  /** a deployed service's replicas, each judged from its series in Prometheus (prometheusEvidence.ts) */
  replicas?: ScenarioReport[];
  /** why the collector's evidence could not be had at all: the run's error */
  error?: string;
}

/** How the boundary's heap was settled. */
export interface BoundaryGc {
  /** no GC forced: the heap is the one the last full GC left, before what was allocated since (runner/boundaryReads.ts, fullGcReuseMs) */
  reused: boolean;
}

/** The measured phase as it ended, for a collector's own looks after it. */
export interface MeasuredRun {
  /** it ran to its end and settled (not cut short by an error or a signal) */
  ended: boolean;
  /** how long the measured phase took */
  ms: number;
  /** steps taken, warmup included, and of them the warmup's */
  steps: number;
  warmupSteps: number;
  /** one more step of the scenario, as a measured one (the leak planted after it under --calibrate);
   * false when the run was stopped meanwhile */
  extraStep(iteration: number, what: string): Promise<boolean>;
  signal: AbortSignal;
}

/**
 * The runtime heap and handles after the GC, from the agent in every process of the target's tree
 * that serves one (a pre-fork server's master and workers; a restarted service's new ones): V8's
 * used heap plus external Buffers, and what V8 holds for it; Python's tracemalloc current where it
 * traces, else malloc's bytes in use, and pymalloc's blocks. Summed over the processes into the
 * sample (judged as leak.heap or heapGrowth, weighed against RSS growth); each process's own
 * figures go to `onProcesses`, for the report's heap per process. A worker that exits between the
 * tree's read and its agent's answer is left out; a read that fails in a live process leaves the
 * boundary without a heap rather than a partial sum. The handles are a counted resource; their
 * types at the baseline and at the last settle read name what was left open.
 */
export function runtimeHeapCollector(agents: () => AgentHandle[], onProcesses: (procs: ProcessHeapRead[], s: Sample) => void, opts: { afterGc?: boolean } = {}): EvidenceCollector {
  const failures = new Set<string>();
  let atBaseline: Record<string, number> | null = null;
  let afterSettle: Record<string, number> | null = null;
  return {
    async atBoundary(s) {
      const all = agents();
      if (all.length === 0) return;
      const reads = await Promise.all(all.map(async (a) => {
        try {
          // afterGc: the heap as the boundary's GC left it, forced or the target's own reused
          // (runtimeHeap.ts), not after the reads since, during which a soak's steps and load
          // allocate for the requests in flight
          return { a, figures: heapFigures(a.runtime, await a.request('memory', opts.afterGc ? { afterGc: true } : {})) };
        } catch (err) {
          // a worker that exited meanwhile (recycled) has no heap left to count
          const running = a.role === 'root' || isRunning(a.pid);
          if (running) failures.add(`reading the runtime heap of pid ${a.pid} (${a.role}) failed: ${(err as Error).message}`);
          return { a, figures: null, running };
        }
      }));
      const read = reads.filter((r): r is { a: AgentHandle; figures: HeapFigures } => r.figures !== null);
      const failed = reads.some((r) => r.figures === null && 'running' in r && r.running);
      const total = failed ? null : sumHeapFigures(read.map((r) => r.figures));
      s.values.heapUsed = total?.used ?? null;
      s.values.heapCommitted = total?.committed ?? null;
      s.values.heapYoung = total?.young ?? null;
      // per process, the numeric figures (the handles by type are in the sum's)
      onProcesses(read.map((r) => ({ pid: r.a.pid, role: r.a.role, h: numericFigures(r.figures) })), s);
      s.values.heapBlocks = total?.blocks ?? null;
      s.values.handles = total?.handles ?? null;
      // the last warmup read is the baseline; the last settle read is what the check judges
      if (s.phase === 'warmup') atBaseline = total?.handlesByType ?? null;
      if (s.phase === 'settle') afterSettle = total?.handlesByType ?? null;
    },
    afterRun: async () => ({
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

function numericFigures(f: HeapFigures): Record<string, number | null> {
  return Object.fromEntries(Object.entries(f).filter((e): e is [string, number | null] => e[1] === null || typeof e[1] === 'number'));
}
