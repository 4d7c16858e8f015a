// `--shard i/n` and `--shard-durations <report>`, checked at the edge and turned into a ShardRequest.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readJsonReport, REPORT_FILE } from '../reporters/jsonReporter.ts';
import type { ShardRequest } from '../runner/shardSlice.ts';
import { scenarioId } from '../scenario/shards.ts';
import { UsageError } from './options.ts';

export function parseShardFlag(value: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected i/n with 1 <= i <= n, such as 2/4, got '${value}'`);
  return { index, count };
}

/**
 * The shard request of the command line. Durations come only from a file named on it, never from
 * whatever run happens to lie in --report-dir: every machine must weigh the scenarios alike.
 */
export async function shardRequest(shard: string | undefined, durationsFile: string | undefined): Promise<ShardRequest | undefined> {
  if (shard === undefined) {
    if (durationsFile !== undefined) throw new UsageError('--shard-durations: only with --shard i/n');
    return undefined;
  }
  const spec = parseShardFlag(shard);
  if (durationsFile === undefined) return spec;
  let file = path.resolve(durationsFile);
  if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, REPORT_FILE);
  let report;
  try {
    report = await readJsonReport(file);
  } catch (err) {
    throw new UsageError(`--shard-durations: ${(err as Error).message}`);
  }
  const ms = new Map(report.scenarios.filter((s) => s.durationMs > 0).map((s) => [scenarioId(s.file, s.name), s.durationMs]));
  return { ...spec, durations: { runId: report.runId, ms } };
}
