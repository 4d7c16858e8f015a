// A scenario's leaks in the terminal, under its failed checks: the ones that fail it (new, worse
// than their ceiling, expired), then the known ones within their rates, listed apart.
import type { ScenarioReport } from '../../report/runReportSchema.ts';
import { failingLeaks, knownLeaks, knownLeaksCount, leakVerdictLine } from '../leakText.ts';
import { plainText, type Style } from './style.ts';

export function leakLines(s: ScenarioReport, style: Style, indent = '    '): string[] {
  const out = failingLeaks(s).map((l) => `${indent}${style.red('✘')} ${plainText(leakVerdictLine(l))}`);
  const known = knownLeaks(s);
  if (known.length > 0) {
    out.push(`${indent}${style.dim(knownLeaksCount(s)!)}`);
    for (const l of known) out.push(`${indent}  ${style.dim(plainText(leakVerdictLine(l)))}`);
  }
  return out;
}
