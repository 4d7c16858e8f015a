// The parts beside the steps as one: each phase reaches every part in the list's order, and the stop
// unwinds them in reverse (a soak's load stopped before seep's RSS watch and the sampler's timer, as
// the engine stopped them by name), whichever phases were reached.
import { describe, expect, it } from 'vitest';
import type { Sample } from '../report/sampleSchema.ts';
import type { RunTarget } from './runTarget.ts';
import { allBeside, type BesidePart } from './besideSteps.ts';

const target = {} as RunTarget; // no part here looks at it

function part(name: string, calls: string[]): BesidePart {
  return {
    atStart: () => void calls.push(`${name}.start`),
    atSteps: () => void calls.push(`${name}.steps`),
    atMeasured: () => void calls.push(`${name}.measured`),
    atStepsEnd: async () => void calls.push(`${name}.stepsEnd`),
    atSettled: async () => void calls.push(`${name}.settled`),
    atStop: async () => void calls.push(`${name}.stop`),
    watch: (s) => void calls.push(`${name}.watch ${s.t}`),
  };
}

describe('allBeside', () => {
  it('calls each phase on every part in order, and stops them in reverse', async () => {
    const calls: string[] = [];
    const beside = allBeside([part('timer', calls), { watch: (s) => void calls.push(`alerts.watch ${s.t}`) }, part('load', calls)]);
    beside.atStart(target);
    beside.watch({ t: 7 } as Sample);
    beside.atSteps(target);
    beside.atMeasured();
    await beside.atStepsEnd();
    await beside.atSettled();
    await beside.atStop();
    expect(calls).toEqual([
      'timer.start', 'load.start',
      'timer.watch 7', 'alerts.watch 7', 'load.watch 7',
      'timer.steps', 'load.steps',
      'timer.measured', 'load.measured',
      'timer.stepsEnd', 'load.stepsEnd',
      'timer.settled', 'load.settled',
      'load.stop', 'timer.stop',
    ]);
  });

  it('stops every part when the run never got to its steps', async () => {
    const calls: string[] = [];
    await allBeside([part('timer', calls), part('rss', calls), part('load', calls)]).atStop();
    expect(calls).toEqual(['load.stop', 'rss.stop', 'timer.stop']);
  });

  it('stops every part when one stop throws, then throws its error', async () => {
    const calls: string[] = [];
    const load = { atStop: () => { calls.push('load.stop'); throw new Error('load: socket closed'); } };
    await expect(allBeside([part('timer', calls), load, part('rss', calls)]).atStop()).rejects.toThrow('load: socket closed');
    expect(calls).toEqual(['rss.stop', 'load.stop', 'timer.stop']);
  });
});
