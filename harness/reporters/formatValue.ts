// Numbers as people read them, by the unit the report carries: bytes become KB/MB, rates keep their
// "/iteration" or "/h", counts stay whole. One place so HTML, Markdown, JUnit and terminal agree.
import { formatBytes } from '../scenario/units.ts';

const BYTE_UNITS = new Set(['B', 'bytes', 'byte']);

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** 52_000_000 'B' -> '52.0 MB'; 1_048_576 'B/iteration' -> '1.0 MB/iteration'; 3 'sockets' -> '3 sockets'. */
export function formatValue(value: number, unit: string): string {
  const [base, per] = splitUnit(unit);
  if (BYTE_UNITS.has(base)) return formatBytes(value) + (per ? `/${per}` : '');
  if (base === '' || base === 'count') return formatNumber(value) + (per ? `/${per}` : '');
  if (base === 'ms') return `${formatNumber(value)} ms` + (per ? `/${per}` : '');
  // a share of a whole (errors of requests): as a percentage
  if (base === 'share') return `${formatNumber(Math.round(value * 1000) / 10)}%`;
  return `${formatNumber(value)} ${value === 1 ? singular(base) : base}` + (per ? `/${per}` : '');
}

/** "1 line", "1 fd", "1 process": the units the report counts in, one of them. */
const SINGULAR: Record<string, string> = {
  lines: 'line', fds: 'fd', sockets: 'socket', threads: 'thread', processes: 'process', handles: 'handle', types: 'type',
  warnings: 'warning', objects: 'object', blocks: 'block', steps: 'step', iterations: 'iteration', requests: 'request',
};

function singular(unit: string): string {
  return SINGULAR[unit] ?? unit;
}

/** A signed value: growth and slopes read better with their sign. */
export function formatSigned(value: number, unit: string): string {
  const text = formatValue(value, unit);
  return value > 0 ? `+${text}` : text;
}

function splitUnit(unit: string): [string, string | undefined] {
  const slash = unit.indexOf('/');
  if (slash < 0) return [unit.trim(), undefined];
  return [unit.slice(0, slash).trim(), unit.slice(slash + 1).trim()];
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const totalMin = Math.floor(s / 60);
  if (totalMin < 60) return `${totalMin}m ${Math.round(s % 60)}s`;
  const h = Math.floor(totalMin / 60);
  if (h < 48) return `${h}h ${totalMin % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}
