// The run's reads of its target: a boundary read between steps (a forced GC in every process that
// serves an agent, the process tree's /proc read, then what each evidence collector adds to it), and
// the timed samples the sampler takes on its own clock. Every read goes to the stream as a tree
// line, with the command line of each process seen for the first time, and is watched (what runs
// beside the steps watches every sample: besideSteps.ts, which also starts and stops the timer).
import { performance } from 'node:perf_hooks';
import type { Phase, Sample } from '../report/sampleSchema.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { Identities, Sampler } from '../probes/sampler.ts';
import { createTreeLines } from '../observations/treeSampleLines.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { BoundaryCost, ObserverTally } from './observerCost.ts';
import type { PauseLog } from './pauseLog.ts';
import type { ProgressSink } from './progressSink.ts';
import type { RunPosition } from './runPosition.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';

export interface BoundaryReads {
  /** collectors whose additions every boundary read gets, in order, from now on */
  observeWith(collectors: EvidenceCollector[]): void;
  /**
   * a boundary read; null when a running target's tree is gone (a restarted service coming up). With
   * reuseWithinMs (a soak's checkpoint under way), while the last checkpoint that forced its GC is
   * that recent, no GC is forced in a process whose last full GC ended that recently: its heap is
   * the one that GC left, and the collectors are told so (fullGcReuseMs, below)
   */
  checkpoint(phase: Phase, reuseWithinMs?: number): Promise<Sample | null>;
  /** a plain read, no GC and nothing added (the settle's, when the tree is gone) */
  read(phase: Phase): Promise<Sample>;
  /** the first step is next: a timed read of the tree as the target's start-up ends, and the stream marks it */
  startupEnds(): Promise<void>;
  /** a sample the sampler took on its own clock: to the stream as a timed tree line, unless the tree is gone */
  timed(s: Sample): void;
  identities(): Promise<Identities>;
  errors(): string[];
}

export interface BoundaryReadsOptions {
  /** the sampler of the target's process tree */
  sampler: Sampler;
  target: Pick<TargetLifecycle, 'current' | 'watchOom'>;
  position: Readonly<RunPosition>;
  /** total steps of a counted run, for the progress line */
  total: number | null;
  emit(e: StreamEvent): void;
  note(message: string): void;
  now(): number;
  /** every sample, once it is in the stream */
  watch(s: Sample): void;
  observer: ObserverTally;
  problem(message: string): void;
  progress?: ProgressSink;
  /** a soak's: each checkpoint is marked in it, and goes to the stream as a 'pause' */
  pauses?: PauseLog;
}

export function createBoundaryReads(plan: { name: string }, o: BoundaryReadsOptions): BoundaryReads {
  const { sampler, target, position, now } = o;
  const tree = createTreeLines();
  let collectors: EvidenceCollector[] = [];
  const gcClock = forcedGcClock();

  const record = (s: Sample, kind: 'b' | 't') => {
    const { line, newPids } = tree.encode(s, kind);
    o.emit(line);
    const roots = new Set(target.current()?.rootPids() ?? []);
    for (const pid of newPids) {
      void tree.command(pid).then(
        (cmd) => o.emit({ k: 'cmd', pid, cmd, root: roots.has(pid) }),
        (err: unknown) => o.note(`reading the command line of pid ${pid} failed: ${(err as Error).message}`),
      );
    }
    o.watch(s);
  };
  const onTimed = (s: Sample) => {
    target.watchOom();
    // no tree while a restarted service comes up: a zero-RSS sample would read as a cliff
    if (s.pids.length === 0) return;
    record({ ...s, phase: position.phase }, 't');
  };

  return {
    observeWith: (list) => void (collectors = list),
    async checkpoint(p, reuseWithinMs) {
      const startedAt = now();
      const clock = startCheckpointClock(startedAt, o.pauses);
      const reuse = gcClock.reuseAt(startedAt, reuseWithinMs);
      const sites = collectors.some((c) => c.readsSitesAt?.(p, position.steps) === true);
      let forced = true;
      try {
        forced = (await target.current()?.gc(reuse, sites)) !== 'reused';
      } catch (err) {
        o.problem(`forced GC failed: ${(err as Error).message}`);
      }
      if (forced) gcClock.forced(startedAt);
      clock.gcDone(forced);
      try {
        const s = await sampler.read(p, position.steps, now(), { escaped: true });
        clock.readDone();
        target.watchOom();
        if (s.pids.length === 0 && target.current()?.kind !== 'cli') return null;
        for (const c of collectors) await c.atBoundary?.(s, { reused: !forced });
        o.observer.boundary(clock.cost());
        record(s, 'b');
        o.progress?.tick({ name: plan.name, phase: p, iteration: position.steps, total: o.total, elapsedMs: s.t, rss: s.values.rss, sockets: s.values.sockets });
        return s;
      } finally {
        const pause = clock.end();
        if (pause) o.emit(pause);
      }
    },
    read: (p) => sampler.read(p, position.steps, now()),
    async startupEnds() {
      onTimed(await sampler.read('warmup', position.steps, now()));
      o.emit({ k: 'firstStep', t: now() });
    },
    timed: onTimed,
    identities: () => sampler.identities(),
    errors: () => sampler.errors(),
  };
}

// How long a soak's checkpoint under way may take the heap as the target's own last full GC left it,
// rather than force a GC. A forced GC stalls the target, and a Node server pays more after it than
// the pause (its optimized code deoptimized: about 0.8 s of throughput on 2 busy cores, the load bench);
// at a checkpoint every 2 s that was a quarter of its throughput. A busy target runs full GCs of its
// own as its old generation fills, and faster the more it leaks; between them a checkpoint repeats
// the heap the last one left. So that the judge still has a fresh heap often enough, a GC is forced
// at least every twentieth of the measured phase, and at least once a minute, counted on the GCs seep
// forced, whatever the target's own did (forcedGcClock). Only those checkpoints read the heap per
// type or allocation site: Python's counts would take the garbage made since the last full GC for
// live objects, and Node's read runs a full GC of its own (V8's heap profiler, allocationSites.cjs).
// A soak too short for that to spare a checkpoint forces at every one, as does a soak whose
// checkpoints are a minute or more apart (where a forced GC costs the target little). The baseline,
// the end of the measured phase and the settle always force theirs: the judge weighs the measured
// phase from one to the other on heaps taken alike. A counted run forces at every boundary.

/** a forced GC at least this often in a soak's checkpoints */
export const FORCED_GC_AT_LEAST_EVERY_MS = 60_000;
/** and at least this many in its measured phase */
export const FORCED_GCS_AT_LEAST = 20;

/**
 * a soak's checkpoint under way: the age of the target's own last full GC it takes instead of
 * forcing one; undefined: force at every checkpoint
 */
export function fullGcReuseMs(plan: Pick<RunPlan, 'checkpointMs' | 'measure'>): number | undefined {
  if (!('ms' in plan.measure)) return undefined;
  const every = Math.min(FORCED_GC_AT_LEAST_EVERY_MS, plan.measure.ms / FORCED_GCS_AT_LEAST);
  return every > plan.checkpointMs ? every : undefined;
}

/**
 * A soak's forced GCs, at least every reuseWithinMs: a checkpoint may reuse the last full GC only
 * while the next checkpoint, as far from it as it is from the last, would still come within
 * reuseWithinMs of the last one that forced its GC. The first forces.
 */
export function forcedGcClock() {
  let lastAt: number | null = null;
  let lastForcedAt: number | null = null;
  return {
    /** what a checkpoint starting at `at` may ask the agents: reuseWithinMs, or undefined to force */
    reuseAt(at: number, reuseWithinMs: number | undefined): number | undefined {
      const gap = lastAt === null ? Infinity : at - lastAt;
      lastAt = at;
      if (reuseWithinMs === undefined || lastForcedAt === null) return undefined;
      return at - lastForcedAt + gap <= reuseWithinMs ? reuseWithinMs : undefined;
    },
    /** the checkpoint that started at `at` forced its GC */
    forced(at: number): void {
      lastForcedAt = at;
    },
  };
}

// One clock for a boundary read: its parts (the GC, the /proc read, the agents' reads) timed once,
// for the observer's tally (observerCost.ts) and, in a soak, for the checkpoint's window in the pause
// log and its 'pause' event in the stream.

export interface CheckpointClock {
  /** the GC is over: forced, or the target's own last full GC reused (no pause of seep's) */
  gcDone(forced: boolean): void;
  /** the /proc read is over */
  readDone(): void;
  /** the agents' reads are over: what the boundary cost */
  cost(): BoundaryCost;
  /** the checkpoint is over (read or not): its window closes, and its 'pause' event when there is a pause log */
  end(): Extract<StreamEvent, { k: 'pause' }> | null;
}

/** t: the checkpoint's start in the run's ms, for its 'pause' event */
export function startCheckpointClock(t: number, pauses?: PauseLog, clock: () => number = () => performance.now()): CheckpointClock {
  const t0 = clock();
  const window = pauses?.open(t0);
  let t1: number | null = null;
  let t2: number | null = null;
  let forced = true;
  return {
    gcDone(f) {
      t1 = clock();
      forced = f;
    },
    readDone() {
      t2 = clock();
    },
    cost() {
      const t3 = clock();
      const gcEnd = t1 ?? t0;
      const readEnd = t2 ?? gcEnd;
      return { gcMs: gcEnd - t0, readMs: readEnd - gcEnd, agentMs: t3 - readEnd, forced };
    },
    end() {
      const to = clock();
      window?.close(to);
      if (!pauses) return null;
      const e: Extract<StreamEvent, { k: 'pause' }> = { k: 'pause', t, ms: round(to - t0), gc: round((t1 ?? to) - t0) };
      if (!forced) e.reused = true;
      return e;
    },
  };
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;
