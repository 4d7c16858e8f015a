// The parts of a scenario section only a soak fills: the processes that came and went (recycled
// workers, a restarted master) and the alert thresholds crossed. Strings from the target (command
// lines, messages) go through escapeHtml like everything else.
import type { ProcessLife, ScenarioReport } from '../../report/runReportSchema.ts';
import { formatDuration, formatValue } from '../formatValue.ts';
import { escapeHtml as e } from './escapeHtml.ts';
import { processHeapRows } from '../processHeapRows.ts';

/** Oldest first; the pid breaks ties so the order does not depend on how the report listed them. */
export function byStart(lives: readonly ProcessLife[]): ProcessLife[] {
  return [...lives].sort((a, b) => a.startedAt - b.startedAt || a.pid - b.pid);
}

function endCell(p: ProcessLife): string {
  if (p.end === 'recycled') return '<span class="badge recycled">recycled</span>';
  if (p.end === 'running') return '<span class="dim">running at the end</span>';
  return `<span class="end-other">${e(p.end)}</span>`;
}

/**
 * Every process seen, by start. A pre-fork server's total RSS can stay flat while each worker
 * leaks until it is recycled; the peak each recycled worker reached is the only place that shows,
 * so recycled rows are marked, their peaks bolded, and the largest named above the table.
 */
export function processesTable(s: ScenarioReport): string {
  if (!s.processes?.length) return '';
  const recycled = s.processes.filter((p) => p.end === 'recycled');
  const maxPeak = recycled.reduce((m, p) => Math.max(m, p.peakRss), 0);
  const rows = byStart(s.processes).map((p) => {
    const lifetime = (p.endedAt ?? s.durationMs) - p.startedAt;
    const isRecycled = p.end === 'recycled';
    const peak = e(formatValue(p.peakRss, 'B'));
    return `<tr class="${isRecycled ? 'recycled' : ''}${isRecycled && p.peakRss === maxPeak ? ' max-peak' : ''}" data-pid="${p.pid}" data-end="${e(p.end)}">`
      + `<td class="num">${p.pid}</td><td><code>${e(p.command)}</code></td><td class="num">${e(formatDuration(p.startedAt))}</td>`
      + `<td class="num">${p.endedAt === null ? '—' : e(formatDuration(p.endedAt))}</td><td class="num">${e(formatDuration(Math.max(0, lifetime)))}${p.endedAt === null ? '+' : ''}</td>`
      + `<td class="num peak">${isRecycled ? `<strong>${peak}</strong>` : peak}</td><td>${endCell(p)}</td></tr>`;
  });
  const note = recycled.length
    ? `<p class="recycled-note">${recycled.length} worker${recycled.length === 1 ? '' : 's'} recycled; the largest reached <strong>${e(formatValue(maxPeak, 'B'))}</strong> before it was replaced. Recycling hides a worker's leak from the total RSS, not from these peaks.</p>`
    : '';
  const restarts = s.restarts ? ` <span class="dim">(${s.restarts} restart${s.restarts === 1 ? '' : 's'})</span>` : '';
  return `<h3>Processes${restarts}</h3>${note}<table class="processes"><thead><tr><th>PID</th><th>Command</th><th>Started</th><th>Ended</th><th>Lifetime</th><th>Peak RSS</th><th>How it ended</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

export function alertsList(s: ScenarioReport): string {
  if (!s.alerts?.length) return '';
  const items = s.alerts.map((a) => `<li class="alert ${e(a.level)}" data-level="${e(a.level)}"><span class="t">${e(formatDuration(a.t))}</span> <span class="badge ${a.level === 'critical' ? 'fail' : 'error'}">${e(a.level)}</span> <span class="message">${e(a.message)}</span></li>`);
  return `<h3>Alerts</h3><ol class="alerts">${items.join('')}</ol>`;
}

/** The runtime heap of each process of a pre-fork server (master and workers), at the baseline and at the end. */
export function processHeapsTable(s: ScenarioReport): string {
  const rows = processHeapRows(s).map((h) => `<tr data-pid="${h.pid}" data-role="${h.role}"><td class="num">${h.pid}</td><td>${h.role}</td><td>${e(h.figures)}</td><td class="dim">${e(h.note)}</td></tr>`);
  if (!rows.length) return '';
  return `<h3>Heap per process</h3><table class="process-heaps"><thead><tr><th>PID</th><th>Role</th><th>Baseline → end</th><th></th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}
