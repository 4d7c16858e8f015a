// How a soak is paced, from the scenario and the command line: how long, how the warmup ends
// (a number of steps or a time), how steps follow each other, and how often seep takes a full
// boundary read and refreshes the live report. Pure, so the choices are tested without a target.
import type { Scenario } from '../scenario/types.ts';
import { parseDuration, parseRate } from '../scenario/units.ts';
import { profileMs } from '../drivers/loadGenerator.ts';

export interface SoakPlan {
  durationMs: number;
  warmup: { steps: number } | { ms: number };
  /** 'rate': a step starts every `ms`; 'interval': `ms` pause after each step; 'none': back to back */
  pace: { kind: 'rate' | 'interval' | 'none'; ms: number };
  sampleHz: number;
  /** a boundary read (after GC where the runtime allows it) this often */
  checkpointMs: number;
  liveEveryMs: number;
  settleMs: number;
}

export interface SoakOverrides {
  /** --duration */
  duration?: string;
  /** --warmup (steps) */
  warmup?: number;
  liveEveryMs?: number;
}

/** A run is a soak when it has a duration (scenario or command line) or sends load. */
export function isSoak(scenario: Scenario, overrides: SoakOverrides = {}): boolean {
  return overrides.duration !== undefined || scenario.duration !== undefined || scenario.load !== undefined;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function soakPlan(scenario: Scenario, overrides: SoakOverrides = {}): SoakPlan {
  const written = overrides.duration ?? scenario.duration;
  const durationMs = written !== undefined ? parseDuration(written) : scenario.load ? profileMs(scenario.load) : 0;
  if (!(durationMs > 0)) throw new Error('a soak needs a duration: `duration` in the scenario, --duration, or load phases');
  let warmup: SoakPlan['warmup'];
  if (overrides.warmup !== undefined) warmup = { steps: overrides.warmup };
  else if (typeof scenario.warmup === 'string') warmup = { ms: parseDuration(scenario.warmup) };
  else if (typeof scenario.warmup === 'number') warmup = { steps: scenario.warmup };
  // Allocators and caches settle in the first minutes; 5% of the run, at most 30 minutes, by default.
  else warmup = { ms: Math.min(0.05 * durationMs, 30 * 60_000) };
  let pace: SoakPlan['pace'];
  if (scenario.rate !== undefined) pace = { kind: 'rate', ms: 1000 / parseRate(scenario.rate) };
  else if (scenario.interval !== undefined) pace = { kind: 'interval', ms: parseDuration(scenario.interval) };
  // Under load, the steps are a side channel (a health probe, a check): once a second is plenty.
  else if (scenario.load) pace = { kind: 'rate', ms: 1000 };
  else pace = { kind: 'none', ms: 0 };
  return {
    durationMs,
    warmup,
    pace,
    // 1 Hz for a week is 604,800 lines; the iteration runs' 4 Hz would be four times that for nothing
    sampleHz: scenario.sampleHz ?? 1,
    // ~300 boundary reads over the run, never more than one every 2 s (a read scans /proc for the cookie)
    checkpointMs: clamp(durationMs / 300, 2000, 5 * 60_000),
    liveEveryMs: overrides.liveEveryMs ?? 3 * 60_000,
    settleMs: scenario.settleMs ?? 1000,
  };
}
