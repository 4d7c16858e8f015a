import { describe, expect, it } from 'vitest';
import { assignShards, scenarioId, scenarioSetHash, scenarioWeights } from './shards.ts';

const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((x) => scenarioId(`scenarios/${x}.scenario.ts`, x));
const byCount = (list: string[], n: number) => assignShards(list, n, scenarioWeights(list));

describe('shard assignment', () => {
  it('puts every scenario in exactly one shard, by count within one of each other', () => {
    for (const n of [1, 2, 3, 4, 7, 9]) {
      const shards = byCount(ids, n);
      expect(shards).toHaveLength(n);
      expect(shards.flat().sort()).toEqual([...ids].sort());
      const sizes = shards.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('depends on the set alone: found in another order, the same scenarios go to the same shards', () => {
    const reversed = [...ids].reverse();
    const a = byCount(ids, 3).map((s) => [...s].sort());
    const b = byCount(reversed, 3).map((s) => [...s].sort());
    expect(b).toEqual(a);
    expect(scenarioSetHash(reversed)).toBe(scenarioSetHash(ids));
    expect(scenarioSetHash(ids.slice(1))).not.toBe(scenarioSetHash(ids));
  });

  it('keeps each shard in run order', () => {
    for (const shard of byCount(ids, 3)) expect(shard).toEqual(ids.filter((id) => shard.includes(id)));
  });

  it('balances by duration: longest first onto the lightest shard', () => {
    // one 60 s scenario and six of 10 s: by count 3/2/2 would put the long one beside two others
    const ms = new Map(ids.map((id, i) => [id, i === 3 ? 60_000 : 10_000]));
    const shards = assignShards(ids, 3, scenarioWeights(ids, ms));
    const loads = shards.map((s) => s.reduce((sum, id) => sum + ms.get(id)!, 0));
    expect(shards.find((s) => s.includes(ids[3]!))).toEqual([ids[3]]);
    expect(loads.sort((x, y) => x - y)).toEqual([30_000, 30_000, 60_000]);
  });

  it('weighs a scenario the durations do not know as a typical one, and all alike when none is known', () => {
    const ms = new Map([[ids[0]!, 4000], [ids[1]!, 2000]]);
    const w = scenarioWeights(ids, ms);
    expect(w.get(ids[0]!)).toBe(4000);
    expect(w.get(ids[6]!)).toBe(3000);
    expect(new Set(scenarioWeights(ids, new Map()).values())).toEqual(new Set([1]));
  });

  it('leaves shards beyond the number of scenarios empty, and refuses a count below 1', () => {
    const shards = byCount(ids.slice(0, 2), 4);
    expect(shards.map((s) => s.length)).toEqual([1, 1, 0, 0]);
    expect(() => byCount(ids, 0)).toThrow(/at least 1/);
  });
});
