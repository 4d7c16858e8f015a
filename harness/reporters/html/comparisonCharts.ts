// The comparison page's charts: for each series a figure was compared on, the before and the after
// run on shared axes (iteration, each run's own boundaries), drawn by the run page's chart script.
// Only the stored points are placed on one x axis; nothing is refitted.
import type { SeriesColumns } from '../../report/runReportSchema.ts';
import type { ScenarioComparison } from '../../report/comparisonSchema.ts';
import { minMaxBuckets } from '../downsample.ts';
import { DISPLAY_BUCKETS, phaseBands, type ChartSpec, type ChartUnit } from './chartModel.ts';

const TITLES: Record<string, string> = { rss: 'RSS', heapUsed: 'Runtime heap', heapBlocks: 'Python allocated blocks', fds: 'File descriptors', sockets: 'Sockets', threads: 'Threads', children: 'Child processes', handles: 'Handles', diskBytes: 'Disk (files written)', tmpBytes: 'Temp dir', tmpEntries: 'Temp dir entries' };

const xsOf = (cols: SeriesColumns) => cols.iteration.map((it, i) => it ?? i);

function valuesAt(cols: SeriesColumns, metric: keyof SeriesColumns['values'], x: number[]): (number | null)[] {
  const byIteration = new Map<number, number | null>();
  xsOf(cols).forEach((it, i) => byIteration.set(it, cols.values[metric]?.[i] ?? null));
  return x.map((v) => byIteration.get(v) ?? null);
}

export function comparisonCharts(s: ScenarioComparison, index: number): ChartSpec[] {
  const { before, after } = s.series;
  const metrics = [...new Set(s.figures.filter((f) => f.before && f.after).map((f) => f.series))];
  const x = [...new Set([...xsOf(before.boundaries), ...xsOf(after.boundaries)])].sort((a, b) => a - b);
  if (x.length === 0) return [];
  return metrics.map((metric): ChartSpec => {
    const unit: ChartUnit = metric === 'rss' || metric === 'heapUsed' || metric === 'diskBytes' || metric === 'tmpBytes' ? 'bytes' : 'count';
    const raw = [valuesAt(before.boundaries, metric, x), valuesAt(after.boundaries, metric, x)];
    const down = minMaxBuckets(x, raw, DISPLAY_BUCKETS);
    let max: number | null = null;
    for (const ys of down.ys) for (const v of ys) if (v !== null && (max === null || v > max)) max = v;
    return {
      id: `c${index}-${metric}`,
      title: `${TITLES[metric] ?? metric} by iteration, before and after`,
      resource: s.figures.find((f) => f.series === metric)!.resource,
      axis: 'iteration',
      unit,
      x: down.x,
      series: [{ label: `before ${metric}`, values: down.ys[0]! }, { label: `after ${metric}`, values: down.ys[1]! }],
      // the after run's warmup and settle: the phases it was judged by
      bands: phaseBands(xsOf(after.boundaries), after.boundaries.phase),
      lines: [],
      trend: null,
      max,
      sourcePoints: x.length,
    };
  });
}
