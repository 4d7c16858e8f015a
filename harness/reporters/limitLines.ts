// What a level drawn on a chart is, said as what it is: a budget the user wrote, the level a default
// leak check allows (back to the post-warmup count), or a soak's alert level (a warning is told and
// never fails; a critical crossing fails). A warning alert drawn as a "budget line" misleads. The
// HTML charts and the terminal's charts both name their lines here.
import type { Check } from '../report/runReportSchema.ts';
import { formatValue } from './formatValue.ts';

export type LimitLineKind = 'budget' | 'leak' | 'alert';

export interface LimitLine {
  kind: LimitLineKind;
  /** the legend's words: 'budget.rssGrowth 50MB', 'warning alert 400MB', 'leak.fds: back to baseline 12' */
  label: string;
  /** a service's count judged by its shape over the steps: the level is the baseline, and did not decide */
  shape?: true;
}

/** The line a check with a `limitLine` draws; `unit` formats a level the user did not write. */
export function limitLineOf(c: Check, level: number, unit: string): LimitLine {
  const written = c.limit ?? formatValue(level, unit);
  const alert = /^alert\.\w+\.(warning|critical)$/.exec(c.id);
  if (alert) return { kind: 'alert', label: `${alert[1]} alert ${written}` };
  if (c.kind === 'leak' && c.rule === 'shape') return { kind: 'leak', label: `${c.id}: baseline ${formatValue(level, unit)}, judged by its shape, not this level`, shape: true };
  if (c.kind === 'leak') return { kind: 'leak', label: `${c.id}: back to baseline ${formatValue(level, unit)}` };
  return { kind: 'budget', label: `${c.id} ${written}` };
}

/** The same words for a sentence: 'budget line at 9', 'warning alert at 400.0 MB', 'baseline level at 12'. */
export function limitLinePhrase(line: LimitLine, level: number, unit: string): string {
  const at = formatValue(level, unit);
  if (line.kind === 'alert') return `${line.label.split(' ')[0]} alert at ${at}`;
  if (line.kind === 'leak') return line.shape ? `baseline at ${at}, judged by its shape` : `baseline level at ${at}`;
  return `budget line at ${at}`;
}
