// The line every view gives a sharded run: which slice it is, or which shards it was joined from.
// Words only, from what the report says; each view escapes it its own way.
import type { Report } from '../report/runReportSchema.ts';
import { formatDuration } from './formatValue.ts';

export function shardText(report: Report): string | null {
  if (report.shard) {
    const s = report.shard;
    const by = s.balancedBy.kind === 'count' ? 'balanced by count' : `balanced by the durations of run ${s.balancedBy.runId}`;
    return `shard ${s.index} of ${s.count}: ${report.scenarios.length} of ${s.scenarios.length} scenarios, ${by}`;
  }
  if (report.mergedFrom?.length) {
    const parts = report.mergedFrom.map((p) => `${p.index}: run ${p.runId} on ${p.hostname}, ${p.scenarios} scenario${p.scenarios === 1 ? '' : 's'} in ${formatDuration(Date.parse(p.finishedAt) - Date.parse(p.startedAt))}`);
    return `joined from ${report.mergedFrom.length} shards (${parts.join('; ')})`;
  }
  return null;
}
