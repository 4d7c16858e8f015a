import { describe, expect, it } from 'vitest';
import { syntheticReport } from '../../fixtures/testing/syntheticReport.ts';
import { assignShards, scenarioId, scenarioSetHash, scenarioWeights } from '../scenario/shards.ts';
import { mergeShards, type ShardRun } from './mergeShards.ts';
import type { Report, ScenarioReport } from '../report/runReportSchema.ts';

const base = syntheticReport({ iterations: 5, timedPoints: 10 });
const scenarioOf = (i: number): ScenarioReport => {
  const s = base.scenarios[i % base.scenarios.length]!;
  return { ...s, name: `s${i}`, file: `scenarios/s${i}.scenario.ts` };
};
const all = [0, 1, 2, 3, 4, 5].map(scenarioOf);
const ids = all.map((s) => scenarioId(s.file, s.name));

/** The three shard reports `seep run --shard i/3` would write for these six scenarios. */
function shards(count = 3, over: (r: Report, i: number) => void = () => {}): ShardRun[] {
  return assignShards(ids, count, scenarioWeights(ids)).map((slice, i) => {
    const report: Report = {
      ...base,
      runId: `run-${i + 1}`,
      startedAt: `2026-12-01T10:0${i}:00.000Z`,
      finishedAt: `2026-12-01T10:0${i}:30.000Z`,
      scenarios: all.filter((s) => slice.includes(scenarioId(s.file, s.name))),
      shard: { index: i + 1, count, scenarios: ids, setHash: scenarioSetHash(ids), balancedBy: { kind: 'count' } },
    };
    over(report, i);
    return { dir: `shard-${i + 1}`, report };
  });
}

function problems(parts: ShardRun[]): string {
  const r = mergeShards(parts, 'merged');
  if (r.ok) throw new Error('merged when it should not have');
  return r.problems.join('\n');
}

describe('merging shards', () => {
  it('joins them into the run one machine would have written: every scenario once, in run order', () => {
    const r = mergeShards(shards().reverse(), 'merged');
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.report.scenarios.map((s) => s.name)).toEqual(all.map((s) => s.name));
    expect(r.report.exitCode).toBe(2); // the synthetic set holds an errored scenario
    expect(r.report.verdict).toBe('error');
    expect(r.report.startedAt).toBe('2026-12-01T10:00:00.000Z');
    expect(r.report.finishedAt).toBe('2026-12-01T10:02:30.000Z');
    expect(r.report.mergedFrom?.map((p) => [p.index, p.runId, p.scenarios])).toEqual([[1, 'run-1', 2], [2, 'run-2', 2], [3, 'run-3', 2]]);
    expect(r.report.shard).toBeUndefined();
  });

  it('refuses shards of different seep versions, naming each', () => {
    expect(problems(shards(3, (r, i) => i === 2 && (r.seepVersion = '9.9.9')))).toMatch(/different seep versions: .* \(shard-1, shard-2\), 9\.9\.9 \(shard-3\)/);
  });

  it('refuses shards of different scenario sets, naming the scenarios not in every one', () => {
    const other = [...ids.slice(0, 5), 'scenarios/new.scenario.ts::new'];
    const text = problems(shards(3, (r, i) => i === 1 && (r.shard = { ...r.shard!, scenarios: other, setHash: scenarioSetHash(other) })));
    expect(text).toMatch(/different scenario sets/);
    expect(text).toContain('scenarios/new.scenario.ts::new (only in shard-2)');
    expect(text).toContain(`${ids[5]} (only in shard-1, shard-3)`);
  });

  it('refuses different shard counts and different balancing', () => {
    expect(problems(shards(3, (r, i) => i === 0 && (r.shard!.count = 4)))).toMatch(/different shard counts: of 4 \(shard-1\), of 3 \(shard-2, shard-3\)/);
    expect(problems(shards(3, (r, i) => i === 0 && (r.shard!.balancedBy = { kind: 'durations', runId: 'old' })))).toMatch(/balanced differently.*durations of run old \(shard-1\)/);
  });

  it('names the scenarios of a missing shard, and the shard', () => {
    expect(problems(shards().slice(0, 2))).toMatch(new RegExp(`no shard ran \\(shard 3/3 not given\\): ${ids.filter((_, i) => i % 3 === 2).join('; ')}`));
  });

  it('names the scenarios a shard stopped before', () => {
    expect(problems(shards(3, (r, i) => i === 1 && r.scenarios.pop()))).toMatch(/a shard stopped before it ran them; `seep report <its run dir>` rebuilds .*\): scenarios\/s4\.scenario\.ts::s4$/);
  });

  it('refuses a shard given twice and a scenario run twice', () => {
    const parts = shards();
    const text = problems([...parts, { ...parts[0]!, dir: 'copy-of-1' }]);
    expect(text).toMatch(/shard 1\/3 given more than once: shard-1, copy-of-1/);
    expect(text).toMatch(/run by more than one shard: .*s0\.scenario\.ts::s0 \(shard-1, copy-of-1\)/);
  });

  it('refuses a run that was not a shard, with why it may not be one', () => {
    const parts = shards();
    delete parts[1]!.report.shard;
    expect(problems(parts)).toMatch(/^shard-2: not a shard's run \(it was not run with --shard i\/n\)$/);
    // a bad scenario file stops every shard before it chooses: its error is named
    const errored = base.scenarios.find((s) => s.verdict === 'error')!;
    parts[1]!.report.scenarios = [{ ...errored, error: 'budgets.rssGrowth: expected a size' }];
    expect(problems(parts)).toMatch(/^shard-2: not a shard's run \(it was not run with --shard i\/n, or it stopped before choosing its scenarios: budgets\.rssGrowth: expected a size\)$/);
  });
});
