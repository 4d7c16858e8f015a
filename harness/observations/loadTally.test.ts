import { describe, expect, it } from 'vitest';
import { createLoadTally, loadEvent } from './loadTally.ts';

describe('load slices in the stream', () => {
  const plain = {
    t: 10, ms: 1000, asked: 8, requests: 5, errors: 1, successes: 4,
    transport: { refused: 0, reset: 1, timeout: 0, other: 0 },
    statuses: { '1xx': 0, '2xx': 3, '3xx': 1, '4xx': 1, '5xx': 0 },
    latencyP50: 2, latencyP99: 9,
  };

  it('puts a load interval in the stream with its accounting and its split, or without a split', () => {
    const figures = { requests: 2, p50: 1, p90: 2, p99: 3, max: 3 };
    const base = { k: 'load', t: 10, n: 5, e: 1, p50: 2, p99: 9, d: 1000, a: 8, ok: 4, x: [0, 1, 0, 0], s: [0, 3, 1, 1, 0] };
    expect(loadEvent(plain)).toEqual(base);
    expect(loadEvent({ ...plain, split: { interval: { all: figures, clean: figures }, total: { all: figures, clean: figures } } }))
      .toEqual({ ...base, c: figures, m: { all: figures, clean: figures } });
    expect(loadEvent({ ...plain, asked: null })).not.toHaveProperty('a');
    expect(loadEvent({ ...plain, connections: 4, waitedMs: 812.4 })).toEqual({ ...base, cn: 4, w: 812 });
  });

  it('totals the slices: asked against achieved over the slices that asked a rate', () => {
    const tally = createLoadTally();
    tally.add(loadEvent(plain));
    tally.add(loadEvent({ ...plain, t: 20 }));
    const t = tally.totals()!;
    expect(t.requests).toBe(10);
    expect(t.successes).toBe(8);
    expect(t.transport).toEqual({ refused: 0, reset: 2, timeout: 0, other: 0 });
    expect(t.askedRate).toBeCloseTo(8);
    expect(t.achievedRate).toBeCloseTo(5);
    expect(t).not.toHaveProperty('connections');
    // what the connections could carry, over the slices that recorded them
    tally.add(loadEvent({ ...plain, t: 30, connections: 4, waitedMs: 500 }));
    expect(tally.totals()!.connections).toEqual({ askedMs: 1000, connectionMs: 4000, waitedMs: 500, answers: 5, carried: 8 });
  });
});
