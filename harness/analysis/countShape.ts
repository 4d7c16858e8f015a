// A service's or a soak's counts (fds, sockets, threads, children, handles) judged by their shape as
// well as their leftovers. Services fill pools when first needed: a connection pool, a thread pool, a
// pre-fork worker's session opened on its first request after the warmup. Such a count rises during
// the measured steps, then stays flat; "back to the post-warmup baseline after the settle" fails it,
// though nothing leaks. So when a count is not back, its trend over the measured steps decides, with
// the trend and plateau statistics memory gets (trend.ts, plateau.ts): flat or plateaued is bounded,
// still rising (a socket every third request) is a leak. A function or a CLI target keeps the
// back-to-baseline rule: a call must give back what it took.
import type { Check } from '../report/runReportSchema.ts';
import { baselineCheck, countTrend, type CountedSpec } from './countedResources.ts';
import { describeTrend, MIN_SAMPLES } from './trend.ts';
import type { Observations } from '../observations/observations.ts';

/** Services and soaks are judged by shape; function and CLI targets, and counted runs of them, by baseline. */
export function judgedByShape(obs: Pick<Observations, 'targetKind' | 'measure'>): boolean {
  return obs.targetKind === 'service' || obs.measure === 'time';
}

const BASELINE_RULE = 'back-to-baseline rule: a call must give back what it took';

/** The default leak check of a counted resource, by the rule its target kind calls for. */
export function countLeakCheck(obs: Observations, c: CountedSpec): Check | null {
  const back = baselineCheck(obs, c, { kind: 'leak', plus: 0 });
  if (!back) return null;
  if (!judgedByShape(obs)) return { ...back, message: `${back.message} (${BASELINE_RULE})` };
  if (back.pass) return back;
  const trend = back.trend ?? countTrend(obs, c);
  const leftOver = back.observed - (back.baselineValue ?? 0);
  if (!trend || trend.samplesUsed.count < MIN_SAMPLES.count) {
    const n = trend?.samplesUsed.count ?? 0;
    return { ...back, message: `${back.message} (too few measured reads, ${n} of the ${MIN_SAMPLES.count} a shape needs: the back-to-baseline rule decided)` };
  }
  const shape = { ...back, rule: 'shape' as const, trend };
  if (trend.verdict === 'leak') {
    // the baseline message already ends with the trend: "…(2 left over: Timeout +2); handles grows …: leak"
    return { ...shape, pass: false, message: `${back.message} (judged by its shape over the measured steps, as a service's counts are)` };
  }
  const { leftovers: _named, ...kept } = shape;
  const how = trend.verdict === 'bounded' && trend.plateauAt !== null
    ? `rose then stayed flat from sample ${trend.plateauAt + trend.samplesUsed.from}: a pool that filled when first needed`
    : trend.verdict === 'bounded'
      ? 'no lasting rise over the measured steps'
      : `${describeTrend(c.resource, trend)}, not a rise it can call a leak`;
  return {
    ...kept,
    pass: true,
    message: `${c.resource} ${leftOver} above the baseline after the settle (${back.observed}, baseline ${back.baselineValue}) and bounded: ${how} (judged by its shape, as a service's counts are; back to baseline would have failed it)`,
  };
}
