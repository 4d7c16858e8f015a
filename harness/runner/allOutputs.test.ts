// The outputs of a run as one: a stop that throws (a stream whose disk went away) must not leave the
// others running (a live report's timer, a metrics endpoint's port).
import { describe, expect, it } from 'vitest';
import { allOutputs } from './runOutputs.ts';

describe('allOutputs', () => {
  it('stops every output even when one throws, then throws the first error', async () => {
    const stopped: string[] = [];
    const outputs = allOutputs([
      { stop: () => void stopped.push('stream') },
      { stop: () => { stopped.push('live'); throw new Error('live report: disk full'); } },
      { stop: () => void stopped.push('metrics') },
    ]);
    await expect(outputs.stop()).rejects.toThrow('live report: disk full');
    expect(stopped).toEqual(['stream', 'live', 'metrics']);
  });
});
