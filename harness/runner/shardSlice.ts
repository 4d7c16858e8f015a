// The run's side of --shard: the slice of the loaded scenarios this shard runs, and the record of
// it that `seep merge` checks the parts against.
import type { ShardInfo } from '../report/runReportSchema.ts';
import type { LoadedScenario } from '../scenario/loadScenario.ts';
import { assignShards, scenarioId, scenarioSetHash, scenarioWeights, type ShardSpec } from '../scenario/shards.ts';

export interface ShardRequest extends ShardSpec {
  /** durations of a previous run (--shard-durations), by scenario identity; absent: balance by count */
  durations?: { runId: string; ms: ReadonlyMap<string, number> };
}

export function shardSlice(loaded: LoadedScenario[], req: ShardRequest): { info: ShardInfo; chosen: LoadedScenario[] } {
  const ids = loaded.map((l) => scenarioId(l.file, l.scenario.name));
  const slices = assignShards(ids, req.count, scenarioWeights(ids, req.durations?.ms));
  const mine = new Set(slices[req.index - 1]);
  return {
    info: {
      index: req.index,
      count: req.count,
      scenarios: ids,
      setHash: scenarioSetHash(ids),
      balancedBy: req.durations ? { kind: 'durations', runId: req.durations.runId } : { kind: 'count' },
    },
    chosen: loaded.filter((_, i) => mine.has(ids[i]!)),
  };
}
