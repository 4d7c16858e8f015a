// The scenario's own code as the engine calls it: its steps and its setup and teardown hooks, each
// raced against the target's death, a timeout and the run's abort (raceStep.ts), with the step
// context of the target instance running now. Under --calibrate, the known leak is planted through
// the agent after each measured step.
import type { HookContext, StepContext } from '../scenario/types.ts';
import type { RunPlan } from '../scenario/runPlan.ts';
import { performance } from 'node:perf_hooks';
import { raceStep } from './raceStep.ts';
import type { RunTarget } from './runTarget.ts';
import type { TargetLifecycle } from './targetLifecycle.ts';

export interface ScenarioSteps {
  /** one step; resolves to the time the step itself took, in ms */
  step(iteration: number, phase: StepContext['phase'], what: string): Promise<number>;
  /** --calibrate: the known leak, planted after a measured step (nothing otherwise) */
  plant(): Promise<void>;
  setup(): Promise<void>;
  /** the teardown of a run that went well */
  teardown(): Promise<void>;
  /** the teardown of a run that failed after its setup (once; a teardown that ran is not run again) */
  teardownAfterError(problem: (message: string) => void): Promise<void>;
}

/** How long the teardown of a failed run may take. */
const TEARDOWN_AFTER_ERROR_MS = 10_000;

export function scenarioSteps(plan: Pick<RunPlan, 'step' | 'setup' | 'teardown' | 'stepTimeoutMs'>, o: { target: RunTarget; lifecycle: Pick<TargetLifecycle, 'died' | 'fatal' | 'current'>; signal: AbortSignal; plant?: number }): ScenarioSteps {
  const { target, signal } = o;
  const timeoutMs = plan.stepTimeoutMs;
  const hookCtx = (): HookContext => ({ ...target.context(), signal });
  // hooks race the target's death, never the run's abort: a teardown must run when the run is stopped
  const hookOpts = (what: string, ms = timeoutMs) => ({ what, timeoutMs: ms, died: o.lifecycle.fatal, signal: new AbortController().signal });
  let setupDone = false;
  return {
    async step(iteration, phase, what) {
      const ctx: StepContext = { ...target.context(), iteration, phase, signal };
      const started = performance.now();
      await raceStep(() => plan.step(ctx), { what, timeoutMs, died: o.lifecycle.died(), signal });
      return performance.now() - started;
    },
    async plant() {
      if (o.plant === undefined) return;
      const agent = target.agent();
      if (!agent) throw new Error(`cannot plant the calibration leak: ${target.agentProblem ?? 'the target has no agent'}`);
      await agent.request('plant', { bytes: o.plant });
    },
    async setup() {
      if (plan.setup) await raceStep(() => plan.setup!(hookCtx()), { ...hookOpts('setup'), signal });
      setupDone = true;
    },
    async teardown() {
      setupDone = false;
      if (plan.teardown) await raceStep(() => plan.teardown!(hookCtx()), hookOpts('teardown'));
    },
    async teardownAfterError(problem) {
      if (!setupDone || !plan.teardown || !o.lifecycle.current()) return;
      await raceStep(() => plan.teardown!(hookCtx()), hookOpts('teardown', TEARDOWN_AFTER_ERROR_MS))
        .catch((err: unknown) => problem(`teardown after error failed: ${(err as Error).message}`));
    },
  };
}
