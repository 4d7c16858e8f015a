import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { tempDir } from '../../fixtures/testing/tempDir.ts';
import { scenarioId } from '../scenario/shards.ts';
import { UsageError } from './options.ts';
import { parseShardFlag, shardRequest } from './shardOptions.ts';

describe('--shard and --shard-durations', () => {
  it('takes i/n with 1 <= i <= n and nothing else', () => {
    expect(parseShardFlag('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShardFlag('1/1')).toEqual({ index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '2', '2/', 'a/b', '1/3 ', '-1/3', '1.5/3']) {
      expect(() => parseShardFlag(bad), bad).toThrow(UsageError);
    }
  });

  it("reads the durations of a report or a run folder, keyed as the split keys them, and the report's run id", async () => {
    const dir = tempDir('seep-shard-durations-');
    const report = syntheticReport({ iterations: 5, timedPoints: 10, runId: 'run-7' });
    await mkdir(path.join(dir, 'run-7'));
    await writeFile(path.join(dir, 'run-7', 'report.json'), JSON.stringify(report));
    const req = await shardRequest('1/2', path.join(dir, 'run-7'));
    expect(req?.durations?.runId).toBe('run-7');
    const timed = report.scenarios.filter((s) => s.durationMs > 0);
    expect(timed.length).toBeGreaterThan(0);
    expect([...req!.durations!.ms]).toEqual(timed.map((s) => [scenarioId(s.file, s.name), s.durationMs]));
    expect((await shardRequest('1/2', path.join(dir, 'run-7', 'report.json')))?.durations?.runId).toBe('run-7');
  });

  it('refuses durations it cannot read, and durations without --shard', async () => {
    await expect(shardRequest('1/2', '/nonexistent/report.json')).rejects.toThrow(/--shard-durations: .*cannot read the report/);
    await expect(shardRequest(undefined, 'x.json')).rejects.toThrow(/only with --shard/);
    expect(await shardRequest(undefined, undefined)).toBeUndefined();
  });
});
