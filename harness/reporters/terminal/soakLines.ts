// What a soak or a pre-fork server adds to a scenario's lines in the terminal, one line per fact and
// only when the report has it: restarts, recycled workers (with the largest peak, where a worker
// leak shows), the heap per process, p99 latency under load, and the alerts crossed.
import type { ScenarioReport } from '../../report/runReportSchema.ts';
import { formatValue } from '../formatValue.ts';
import { alertSummary, latencyP99, latencySplitText, loadText, recycledWorkers } from '../scenarioHeadlines.ts';
import { processHeapRows } from '../processHeapRows.ts';
import { plainText, type Style } from './style.ts';

export function soakLines(s: ScenarioReport, style: Style, indent = '    '): string[] {
  const lines: string[] = [];
  const label = (name: string) => style.dim(`${name}:`);
  if (s.restarts) lines.push(`${indent}${label('restarts')} ${style.yellow(String(s.restarts))}`);
  const recycled = recycledWorkers(s);
  if (recycled) lines.push(`${indent}${label('recycled workers')} ${recycled.count}, largest peak RSS ${style.bold(formatValue(recycled.maxPeak, 'B'))} (pid ${recycled.pid})`);
  const heaps = processHeapRows(s);
  if (heaps.length) lines.push(`${indent}${label('heap per process')} ${style.dim('(baseline → end)')}`);
  for (const h of heaps) lines.push(`${indent}  pid ${h.pid} ${h.role}: ${h.figures}${h.note ? style.dim(` (${h.note})`) : ''}`);
  const load = loadText(s);
  if (load) {
    const failing = s.checks.some((c) => c.resource === 'load' && !c.pass);
    lines.push(`${indent}${label('load')} ${failing ? style.red(load) : load}`);
  }
  const latency = latencyP99(s);
  if (latency) lines.push(`${indent}${label('latency p99')} ${latency}`);
  const split = latencySplitText(s);
  if (split) lines.push(`${indent}${label('each answer\'s latency, measured phase')} ${split}`);
  const alerts = alertSummary(s);
  if (alerts) {
    const critical = s.alerts!.some((a) => a.level === 'critical');
    lines.push(`${indent}${label('alerts')} ${(critical ? style.red : style.yellow)(plainText(alerts))}`);
  }
  return lines;
}
