import type { ScenarioSeries } from '../report/runReportSchema.ts';
import { emptyColumns } from './seriesColumns.ts';

export function emptySeries(): ScenarioSeries {
  return { boundaries: emptyColumns(), timed: emptyColumns(), timedCount: 0, downsampled: false };
}
