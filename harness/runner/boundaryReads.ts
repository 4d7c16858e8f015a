// The run's reads of its target: a boundary read between steps (a forced GC in every process that
// serves an agent, the process tree's /proc read, then what each evidence collector adds to it), and
// the timed samples the sampler takes on its own clock. Every read goes to the stream as a tree
// line, with the command line of each process seen for the first time, and is watched for alerts.
import type { Phase, Sample } from '../report/sampleSchema.ts';
import type { StreamEvent } from '../series/sampleStream.ts';
import type { Identities, Sampler } from '../probes/sampler.ts';
import { createTreeLines } from '../observations/treeSampleLines.ts';
import { startCheckpointClock } from './checkpointClock.ts';
import { forcedGcClock } from './fullGcReuse.ts';
import type { EvidenceCollector } from './evidenceCollectors.ts';
import type { ObserverTally } from './observerCost.ts';
import type { PauseLog } from './pauseLog.ts';
import type { ProgressSink } from './progressSink.ts';
import type { RunPosition } from './runPosition.ts';
import type { SampleWatch } from './sampleWatch.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';

export interface BoundaryReads {
  /** collectors whose additions every boundary read gets, in order, from now on */
  observeWith(collectors: EvidenceCollector[]): void;
  /**
   * a boundary read; null when a running target's tree is gone (a restarted service coming up). With
   * reuseWithinMs (a soak's checkpoint under way), while the last checkpoint that forced its GC is
   * that recent, no GC is forced in a process whose last full GC ended that recently: its heap is
   * the one that GC left, and the collectors are told so (runner/fullGcReuse.ts)
   */
  checkpoint(phase: Phase, reuseWithinMs?: number): Promise<Sample | null>;
  /** a plain read, no GC and nothing added (the settle's, when the tree is gone) */
  read(phase: Phase): Promise<Sample>;
  /** the first step is next: a timed read of the tree as the target's start-up ends, and the stream marks it */
  startupEnds(): Promise<void>;
  startTimer(): void;
  stopTimer(): Promise<void>;
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
  watch: SampleWatch;
  observer: ObserverTally;
  problem(message: string): void;
  progress?: ProgressSink;
  /** a soak's: each checkpoint is marked in it, and goes to the stream as a 'pause' */
  pauses?: PauseLog;
}

export function createBoundaryReads(plan: { name: string; sampleHz: number }, o: BoundaryReadsOptions): BoundaryReads {
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
    startTimer: () => sampler.startTimer(plan.sampleHz, onTimed, now),
    stopTimer: () => sampler.stopTimer(),
    identities: () => sampler.identities(),
    errors: () => sampler.errors(),
  };
}
