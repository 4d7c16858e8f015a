// `seep run --shard i/n`: which scenarios are shard i's. Every CI machine computes the whole
// assignment from the same inputs (the scenario set, the shard count, the durations file) and keeps
// its own slice, so the machines agree without talking. Pure: no disk, no clock.
import { createHash } from 'node:crypto';

/** A scenario's identity across machines: its file relative to the project root, and its name. */
export function scenarioId(file: string, name: string): string {
  return `${file}::${name}`;
}

/** sha256 of the sorted identities: equal for equal sets, whatever order they were found in. */
export function scenarioSetHash(ids: readonly string[]): string {
  return createHash('sha256').update([...ids].sort().join('\n')).digest('hex');
}

export interface ShardSpec {
  /** 1-based */
  index: number;
  count: number;
}

/**
 * Weights for the greedy: a scenario's duration where one is known; the mean of the known ones
 * where not (a new scenario is taken to be typical); 1 for all when none is known (by count).
 */
export function scenarioWeights(ids: readonly string[], durationsMs?: ReadonlyMap<string, number>): Map<string, number> {
  const known = ids.map((id) => durationsMs?.get(id)).filter((d): d is number => d !== undefined && d > 0);
  const typical = known.length > 0 ? known.reduce((a, b) => a + b, 0) / known.length : 1;
  return new Map(ids.map((id) => {
    const d = durationsMs?.get(id);
    return [id, d !== undefined && d > 0 ? d : typical];
  }));
}

/**
 * The scenarios of every shard: longest first onto the lightest shard (Graham's LPT rule, within
 * 4/3 of the best split), ties broken by identity and then by the lower shard, so the result depends
 * on the set and the weights alone. Each shard keeps its scenarios in the given (run) order.
 */
export function assignShards(ids: readonly string[], count: number, weights: ReadonlyMap<string, number>): string[][] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`shard count must be a whole number of at least 1, got ${count}`);
  const load = new Array<number>(count).fill(0);
  const shardOf = new Map<string, number>();
  const order = [...new Set(ids)].sort((a, b) => (weights.get(b) ?? 1) - (weights.get(a) ?? 1) || (a < b ? -1 : a > b ? 1 : 0));
  for (const id of order) {
    let lightest = 0;
    for (let i = 1; i < count; i++) if (load[i]! < load[lightest]!) lightest = i;
    load[lightest]! += weights.get(id) ?? 1;
    shardOf.set(id, lightest);
  }
  const shards = Array.from({ length: count }, () => [] as string[]);
  for (const id of new Set(ids)) shards[shardOf.get(id)!]!.push(id);
  return shards;
}
