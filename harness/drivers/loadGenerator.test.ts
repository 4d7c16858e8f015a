// Real load (autocannon) on a real server that stalls while a checkpoint is marked, as a target does
// during a forced GC: the answers the stall held back are told apart from the others.
import { createServer, type ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createPauseLog } from '../runner/pauseLog.ts';
import { runLoad, type LoadInterval } from './loadGenerator.ts';

describe('load split by seep\'s checkpoints', () => {
  it('keeps the answers a stall held back out of the clear percentiles', async () => {
    const pauses = createPauseLog();
    let answered = 0;
    let stalled: ServerResponse[] | null = null;
    let stalls = 0;
    // once load flows (50 answers), a checkpoint: the target answers nothing for 250 ms
    const server = createServer((_req, res) => {
      if (stalled) {
        stalled.push(res);
        return;
      }
      res.end('ok');
      if (++answered !== 50) return;
      stalls += 1;
      const pause = pauses.begin(0);
      stalled = [];
      setTimeout(() => {
        const held = stalled!;
        stalled = null;
        for (const r of held) r.end('ok');
        pause.end(250);
      }, 250);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const intervals: LoadInterval[] = [];
    const t0 = Date.now();
    try {
      const load = runLoad({ requests: [{ path: '/' }], connections: 4, phases: [{ ms: 3000, rate: 100 }], totalMs: 3000 }, {
        baseUrl: () => url, totalMs: 3000, sliceMs: 1000, now: () => Date.now() - t0,
        onInterval: (i) => intervals.push(i), onError: (m) => { throw new Error(m); }, signal: new AbortController().signal,
        disturbed: pauses.overlaps,
      });
      load.markMeasured();
      await load.done;
    } finally {
      server.close();
    }
    expect(stalls).toBe(1);
    const total = intervals.at(-1)!.split!.total;
    expect(total.all.requests).toBeGreaterThan(100);
    expect(total.all.requests - total.clean.requests).toBeGreaterThan(0); // those the stall held
    expect(total.all.max!).toBeGreaterThanOrEqual(200);
    expect(total.clean.max!).toBeLessThan(total.all.max!);
    // every interval carries its own clear figures
    expect(intervals.every((i) => i.split !== undefined)).toBe(true);
  });
});
