// The time a run's attribution may add to it: the agents' looks after the measured phase (heap
// snapshots, type counts, tracemalloc compares, open resources, referrer searches, retainer paths)
// and the extra steps between them share one deadline, max(30 s, 20% of the measured phase). Each
// request is given what is left; what does not fit is skipped, what runs out of time is cut short,
// and both are said in the report (ScenarioReport.attribution), never waited for. A 40 s soak of a
// Python daemon holding BeautifulSoup trees spent 4 min 19 s naming suspects before this.
//
// The deadline is counted on the looks' own clock (lookClock.ts): the CPU time of the processes
// doing them, so that a busy machine, which stretches a look's wall time several-fold (a 6 s heap
// snapshot took 26 s at a load average of 27), does not cut the looks short of what they would do on
// a quiet one. That clock runs at least 1/MAX_STRETCH as fast as the wall's: a look that uses no CPU
// (a hung agent, a stopped target) still ends, at MAX_STRETCH times the budget at the most.
import type { Attribution } from '../report/runReportSchema.ts';

export const MIN_ATTRIBUTION_MS = 30_000;
export const ATTRIBUTION_SHARE = 0.2;
/**
 * steps run between the first two looks however long the first took: with none, nothing grows per
 * step, and with 3, three Promises on the stack at the look were 'one per step' (node-service)
 */
export const MIN_ATTRIBUTION_STEPS = 10;
/**
 * how much longer than its budget the attribution may take on the wall clock when the machine is
 * busy: a look's wall time was 4.4-5x its CPU time at a load average of 27 on two cores
 */
export const MAX_STRETCH = 8;
/** how often a look in flight is checked against its share of the budget */
const WATCH_MS = 100;

export function attributionBudgetMs(measuredMs: number): number {
  return Math.max(MIN_ATTRIBUTION_MS, Math.round(ATTRIBUTION_SHARE * measuredMs));
}

/** Two clocks in ms: the wall's, and the CPU time of the processes doing the looks (lookClock.ts). */
export interface AttributionClock {
  wallMs(): number;
  cpuMs(): number;
}

/** A clock whose CPU time is its wall time: the budget as a plain deadline. */
export function wallClock(now: () => number = Date.now): AttributionClock {
  return { wallMs: now, cpuMs: now };
}

/** One look in flight: aborted once it has used its share, or the budget is spent. */
export interface LookWatch {
  /** aborts when the look has used the time it was given */
  readonly signal: AbortSignal;
  /** the most the look may take on the wall clock: a timeout for the request it waits on */
  readonly wallMs: number;
  /** how long it took, in words: "12.0 s (41.3 s on the clock)" */
  took(): string;
  stop(): void;
}

export interface AttributionBudget {
  readonly budgetMs: number;
  remainingMs(): number;
  elapsedMs(): number;
  /** the longest something given `ms` of the budget may take on the wall clock */
  wallBoundMs(ms: number): number;
  /** a look given `ms` of the budget, watched until stop() */
  watch(ms: number): LookWatch;
  /** something that ran out of time, in words: "referrer search for bs4.element.Tag cut short at 10 s (…)" */
  cut(what: string): void;
  /** something not started for want of time: "typeCounts (settle)" */
  skip(what: string): void;
  summary(): Attribution;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export function createAttributionBudget(budgetMs: number, clock: AttributionClock = wallClock()): AttributionBudget {
  const wall0 = clock.wallMs();
  const cpu0 = clock.cpuMs();
  const cuts: string[] = [];
  const skipped: string[] = [];
  const wallUsed = () => clock.wallMs() - wall0;
  // never faster than the wall's clock (processes working side by side), never slower than 1/MAX_STRETCH of it
  const used = () => {
    const wall = wallUsed();
    return Math.min(wall, Math.max(clock.cpuMs() - cpu0, wall / MAX_STRETCH));
  };
  const remainingMs = () => Math.max(0, budgetMs - used());
  const wallLeft = () => Math.max(0, MAX_STRETCH * budgetMs - wallUsed());
  const wallBoundMs = (ms: number) => Math.floor(Math.min(MAX_STRETCH * ms, wallLeft()));
  return {
    budgetMs,
    remainingMs,
    elapsedMs: used,
    wallBoundMs,
    watch(ms) {
      const from = used();
      const fromWall = wallUsed();
      const ac = new AbortController();
      const timer = setInterval(() => {
        if (used() - from >= ms || remainingMs() <= 0) ac.abort(new Error(`used its ${seconds(ms)}`));
      }, WATCH_MS);
      timer.unref();
      const wallMs = wallBoundMs(ms);
      return {
        signal: ac.signal,
        wallMs,
        took: () => {
          const cpu = used() - from;
          const wall = wallUsed() - fromWall;
          return wall > cpu + 1000 ? `${seconds(cpu)} (${seconds(wall)} on the clock)` : seconds(cpu);
        },
        stop: () => clearInterval(timer),
      };
    },
    cut: (what) => void cuts.push(what),
    skip: (what) => void skipped.push(what),
    summary() {
      const cutShort = [...cuts];
      if (skipped.length > 0) cutShort.push(`not done within the ${seconds(budgetMs)} for naming suspects: ${skipped.join(', ')}`);
      const wall = wallUsed();
      const usedMs = Math.round(used());
      // the wall time only when the busy machine made it differ from the budget's own clock
      return { budgetMs, usedMs, ...(wall > usedMs + 1000 ? { wallMs: Math.round(wall) } : {}), cutShort };
    },
  };
}
