// What a step that throws does to the run. A counted run ends at its first: N steps were asked, and
// one did not happen. A soak goes on: a step that failed because the target went down under it is
// the restart's to count; any other failure (a timeout, a reset connection) is a step error,
// recorded for the stepErrors budget, unless so many come in a row that the scenario, not the
// target, is broken.
import type { StreamEvent } from '../series/sampleStream.ts';
import { MAX_PER_LEVEL } from '../analysis/alerts.ts';
import { sleep } from './raceStep.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';

/** A soak with restart tolerates failed steps while its target is down, up to this many. */
const MAX_TOLERATED_STEP_ERRORS = 10_000;
/** How long a failed step waits for its target's death to be noticed: 100 polls of 100 ms. Under
 * load a SIGKILLed master's exit is known only once its forked workers let go of its pipes; 3 s was
 * too short once (the restart test, run beside the agent tests). */
const DEATH_WAIT_POLLS = 100;
/** A soak ends as an error when this many steps in a row throw: the scenario, not the target, is broken. */
const MAX_STEP_ERRORS_IN_A_ROW = 20;

/** What a failure is weighed against: the target's deaths and restart when the step began. */
export interface BeforeStep {
  deaths: number;
  restartInFlight: boolean;
}

export interface StepErrorPolicy {
  before(): BeforeStep;
  succeeded(): void;
  /** resolves when the run goes on; throws when the failure ends it */
  failed(err: unknown, before: BeforeStep): Promise<void>;
}

export function stepErrorPolicy(counted: boolean, o: {
  restartable: boolean;
  target: Pick<TargetLifecycle, 'deaths' | 'restarting'>;
  signal: AbortSignal;
  emit(e: StreamEvent): void;
  now(): number;
  /** step errors so far, as the aggregate counted them */
  stepErrors(): number;
  /** what seep says of this run on stderr, its scenario named */
  say(line: string): void;
}): StepErrorPolicy {
  let restartStepErrors = 0;
  let inARow = 0;

  /** whether the target's death owns the failure; waits for the restart it started */
  const restartOwns = async (before: BeforeStep): Promise<boolean> => {
    if (!o.restartable || ++restartStepErrors > MAX_TOLERATED_STEP_ERRORS) return false;
    // the death may be seen a moment after the step fails (the exit is known when the process
    // group's pipes close), so wait a little for it
    for (let i = 0; i < DEATH_WAIT_POLLS && o.target.deaths() === before.deaths && !o.target.restarting(); i++) await sleep(100, o.signal);
    const owns = o.target.deaths() !== before.deaths || o.target.restarting() !== null || before.restartInFlight;
    if (owns) await o.target.restarting();
    return owns;
  };

  return {
    // a step that starts while a restart is in flight may hit the port before the new target listens
    before: () => ({ deaths: o.target.deaths(), restartInFlight: o.target.restarting() !== null }),
    succeeded: () => void (inARow = 0),
    async failed(err, before) {
      if (counted) throw err;
      if (await restartOwns(before)) return;
      // a week of soak must not end on one; the stepErrors budget judges them at the end
      const message = (err as Error).message;
      if (++inARow >= MAX_STEP_ERRORS_IN_A_ROW) throw new Error(`${message} (${inARow} steps in a row threw: the soak stops)`, { cause: err });
      o.emit({ k: 'stepError', t: o.now(), message });
      const n = o.stepErrors();
      if (n <= MAX_PER_LEVEL) o.say(`${message}; the soak goes on (step error ${n})`);
      if (n === MAX_PER_LEVEL) o.say('further step errors are counted in the report, not printed');
    },
  };
}
