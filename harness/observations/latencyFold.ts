// A soak's checkpoints and its load's latency split by them, folded from the stream's 'pause' and
// 'load' events: the time seep's checkpoints took per hour of the measured phase, and the measured
// answers' percentiles with and without them, whose difference at p99 is what seep's pauses added.
import type { LoadLatency, ObserverCost } from '../report/runReportSchema.ts';
import type { StreamEvent } from '../series/sampleStream.ts';

export interface LatencyFold {
  /** a checkpoint of the measured phase */
  pause(e: Extract<StreamEvent, { k: 'pause' }>): void;
  load(e: Extract<StreamEvent, { k: 'load' }>): void;
  /** whether any interval was split by checkpoints */
  seen(): boolean;
  /** null when no checkpoint of the measured phase was recorded */
  summary(measuredHours: number): SoakShare | null;
}

export interface SoakShare {
  perHourMs: number | null;
  addedP99Ms: number | null;
  latency: LoadLatency | null;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

export function createLatencyFold(): LatencyFold {
  let checkpoints = 0;
  let checkpointMs = 0;
  let gcMs = 0;
  let last: NonNullable<Extract<StreamEvent, { k: 'load' }>['m']> | null = null;
  let split = false;
  return {
    pause(e) {
      checkpoints += 1;
      checkpointMs += e.ms;
      gcMs += e.gc;
    },
    load(e) {
      if (e.c) split = true;
      if (e.m) last = e.m;
    },
    seen: () => split,
    summary(measuredHours) {
      if (checkpoints === 0) return null;
      const latency = last ? { all: last.all, clean: last.clean, checkpoints, checkpointMs: round(checkpointMs), gcMs: round(gcMs) } : null;
      const all = latency?.all.p99 ?? null;
      const clean = latency?.clean.p99 ?? null;
      return {
        perHourMs: measuredHours > 0 ? round(checkpointMs / measuredHours) : null,
        addedP99Ms: all !== null && clean !== null ? round(all - clean) : null,
        latency,
      };
    },
  };
}

/** the counted-run figures a soak's report may lack (a report rebuilt from a stream without its end) */
export function emptyObserverCost(): ObserverCost {
  return { steps: 0, stepMs: null, boundaries: 0, gcMs: null, readMs: null, agentMs: null, perStepMs: null };
}
