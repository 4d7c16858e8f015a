// `seep merge`: the shard runs of one scenario set joined into the run a single machine would have
// written. Pure: the reports in, a report or the reasons it cannot be made out. Parts that do not
// belong together (another seep, another set, another split) or that do not cover the set exactly
// once are refused, each problem named, rather than joined into a run that says less than it seems.
import { runOutcome } from '../analysis/verdict.ts';
import { scenarioId } from '../scenario/shards.ts';
import type { Report, ShardInfo } from '../report/runReportSchema.ts';

export interface ShardRun {
  /** where the report was read from, to name it in problems */
  dir: string;
  report: Report;
}

export type MergeResult = { ok: true; report: Report } | { ok: false; problems: string[] };

/** 'a (x, y), b (z)': each distinct value with the parts that have it. */
function byValue<P extends ShardRun>(parts: P[], value: (p: P) => string): string {
  const groups = new Map<string, string[]>();
  for (const p of parts) groups.set(value(p), [...(groups.get(value(p)) ?? []), p.dir]);
  return [...groups].map(([v, dirs]) => `${v} (${dirs.join(', ')})`).join(', ');
}

function distinct<P extends ShardRun>(parts: P[], value: (p: P) => string): boolean {
  return new Set(parts.map(value)).size > 1;
}

function balancing(s: ShardInfo): string {
  return s.balancedBy.kind === 'count' ? 'by count' : `by the durations of run ${s.balancedBy.runId}`;
}

/** Why these parts are not shards of one set by one seep; empty when they are. */
function mismatches(parts: (ShardRun & { shard: ShardInfo })[]): string[] {
  const problems: string[] = [];
  if (distinct(parts, (p) => p.report.seepVersion)) problems.push(`shards of different seep versions: ${byValue(parts, (p) => p.report.seepVersion)}`);
  if (distinct(parts, (p) => String(p.shard.count))) problems.push(`different shard counts: ${byValue(parts, (p) => `of ${p.shard.count}`)}`);
  if (distinct(parts, (p) => p.shard.setHash)) {
    const sets = parts.map((p) => new Set(p.shard.scenarios));
    const all = [...new Set(parts.flatMap((p) => p.shard.scenarios))];
    const uneven = all.filter((id) => sets.some((s) => !s.has(id))).map((id) => `${id} (only in ${parts.filter((_, i) => sets[i]!.has(id)).map((p) => p.dir).join(', ')})`);
    problems.push(`different scenario sets: ${byValue(parts, (p) => `${p.shard.scenarios.length} scenarios`)}; not in every one: ${uneven.join('; ') || '(the same names, differently keyed)'}`);
  }
  if (distinct(parts, (p) => balancing(p.shard))) problems.push(`shards balanced differently, so their slices do not fit together: ${byValue(parts, (p) => balancing(p.shard))}`);
  return problems;
}

/** Problems of coverage: a shard given twice, a scenario run twice, a scenario run by none. */
function coverage(parts: (ShardRun & { shard: ShardInfo })[], set: string[]): string[] {
  const problems: string[] = [];
  const count = parts[0]!.shard.count;
  for (let i = 1; i <= count; i++) {
    const same = parts.filter((p) => p.shard.index === i);
    if (same.length > 1) problems.push(`shard ${i}/${count} given more than once: ${same.map((p) => p.dir).join(', ')}`);
  }
  const ranIn = new Map<string, string[]>();
  for (const p of parts) for (const s of p.report.scenarios) {
    const id = scenarioId(s.file, s.name);
    ranIn.set(id, [...(ranIn.get(id) ?? []), p.dir]);
  }
  const inSet = new Set(set);
  const twice = [...ranIn].filter(([, dirs]) => dirs.length > 1);
  if (twice.length > 0) problems.push(`scenarios run by more than one shard: ${twice.map(([id, dirs]) => `${id} (${dirs.join(', ')})`).join('; ')}`);
  const stray = [...ranIn].filter(([id]) => !inSet.has(id));
  if (stray.length > 0) problems.push(`scenarios outside the shards' set: ${stray.map(([id, dirs]) => `${id} (${dirs.join(', ')})`).join('; ')}`);
  const missing = set.filter((id) => !ranIn.has(id));
  if (missing.length > 0) {
    const absent = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !parts.some((p) => p.shard.index === i));
    const which = absent.length > 0
      ? `shard${absent.length > 1 ? 's' : ''} ${absent.map((i) => `${i}/${count}`).join(', ')} not given`
      : 'a shard stopped before it ran them; `seep report <its run dir>` rebuilds one that was killed mid-scenario';
    problems.push(`scenarios no shard ran (${which}): ${missing.join('; ')}`);
  }
  return problems;
}

/** A run without its slice recorded: not run with --shard, or stopped before it chose (a bad scenario file). */
function notAShard(p: ShardRun): string {
  const error = p.report.scenarios.find((s) => s.verdict === 'error')?.error;
  return `${p.dir}: not a shard's run (it was not run with --shard i/n${error === undefined ? '' : `, or it stopped before choosing its scenarios: ${error}`})`;
}

export function mergeShards(parts: ShardRun[], runId: string): MergeResult {
  if (parts.length === 0) return { ok: false, problems: ['no run directories to merge'] };
  const notShards = parts.filter((p) => !p.report.shard);
  if (notShards.length > 0) return { ok: false, problems: notShards.map(notAShard) };
  const shards = parts.map((p) => ({ ...p, shard: p.report.shard! })).sort((a, b) => a.shard.index - b.shard.index);
  const problems = mismatches(shards);
  if (problems.length > 0) return { ok: false, problems };
  const set = shards[0]!.shard.scenarios;
  const gaps = coverage(shards, set);
  if (gaps.length > 0) return { ok: false, problems: gaps };

  const byId = new Map(shards.flatMap((p) => p.report.scenarios.map((s) => [scenarioId(s.file, s.name), s] as const)));
  const scenarios = set.map((id) => byId.get(id)!);
  const first = shards[0]!.report;
  const times = (key: 'startedAt' | 'finishedAt') => shards.map((p) => p.report[key]).sort();
  const report: Report = {
    schemaVersion: first.schemaVersion,
    seepVersion: first.seepVersion,
    runId,
    startedAt: times('startedAt')[0]!,
    finishedAt: times('finishedAt').at(-1)!,
    host: first.host,
    ...runOutcome(scenarios),
    scenarios,
    mergedFrom: shards.map((p) => ({
      index: p.shard.index,
      runId: p.report.runId,
      startedAt: p.report.startedAt,
      finishedAt: p.report.finishedAt,
      hostname: p.report.host.hostname,
      scenarios: p.report.scenarios.length,
    })),
  };
  return { ok: true, report };
}
