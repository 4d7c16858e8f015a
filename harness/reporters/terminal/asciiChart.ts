// Small terminal charts of one series (RSS across iterations, sockets ...), through asciichart.
// The series is first reduced to the chart's width with min/max buckets so peaks still show.
import asciichart from 'asciichart';
import { formatBytes } from '../../scenario/units.ts';
import { minMaxBuckets } from '../downsample.ts';
import { formatNumber } from '../formatValue.ts';

export interface AsciiChartOptions {
  width?: number;
  height?: number;
  bytes: boolean;
  color: boolean;
  /** a horizontal limit line (budget) drawn in red beside the series */
  limit?: number | null;
  indent?: string;
}

/** Returns the chart's lines, or [] when the series has fewer than two values. */
export function asciiChart(values: readonly (number | null)[], opts: AsciiChartOptions): string[] {
  const width = opts.width ?? 60;
  const x = values.map((_, i) => i);
  const down = minMaxBuckets(x, [values], Math.max(1, Math.floor(width / 2)));
  const points = down.ys[0]!.filter((v): v is number => v !== null && Number.isFinite(v));
  if (points.length < 2) return [];
  const series: number[][] = [points];
  const colors: (string | undefined)[] = opts.color ? [asciichart.blue] : [undefined];
  if (opts.limit !== undefined && opts.limit !== null && Number.isFinite(opts.limit)) {
    series.push(points.map(() => opts.limit!));
    colors.push(opts.color ? asciichart.red : undefined);
  }
  const label = (v: number): string => (opts.bytes ? formatBytes(v) : formatNumber(Math.round(v * 100) / 100)).padStart(10);
  const text = asciichart.plot(series, { height: opts.height ?? 6, format: label, ...(opts.color ? { colors } : {}) });
  const indent = opts.indent ?? '';
  return text.split('\n').map((l) => indent + l.trimEnd());
}
