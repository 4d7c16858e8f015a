// `seep compare` in the terminal: per scenario a row per figure (before, after, the difference with
// its interval and verdict) and the checks side by side. Draws the comparison; computes nothing.
import type { ComparedFigure, ComparedSide, RunComparison } from '../../report/comparisonSchema.ts';
import { formatSigned, formatValue } from '../formatValue.ts';
import { makeStyle, plainText, type Style } from './style.ts';

const NAMES: Record<string, string> = { rss: 'RSS slope', heap: 'heap slope', heapBlocks: 'heap blocks slope', disk: 'disk slope', tmpBytes: 'temp dir slope', tmpEntries: 'temp dir entries slope' };

function figureName(f: ComparedFigure): string {
  return NAMES[f.key] ?? (f.kind === 'leftOver' ? `${f.resource} left over` : `${f.resource} slope`);
}

function unitOf(f: ComparedFigure): string {
  return f.per ? `${f.unit}/${f.per}` : f.unit;
}

/** An interval's ends in the figure's unit without its 'per': the value beside it says per what. */
function ends(f: ComparedFigure, low: number, high: number): string {
  return `${formatValue(low, f.unit)}, ${formatValue(high, f.unit)}`;
}

/** Both runs exactly flat: a row that says nothing (most count slopes); listed in one line instead. */
function flatInBoth(f: ComparedFigure): boolean {
  return [f.before, f.after].every((s) => s !== null && s.value === 0 && s.low === 0 && s.high === 0);
}

function sideText(f: ComparedFigure, s: ComparedSide | null): string {
  if (!s) return '—';
  const u = unitOf(f);
  const interval = f.kind === 'slope' ? ` [${ends(f, s.low, s.high)}]` : '';
  return `${formatSigned(s.value, u)}${interval} ${s.verdict}`;
}

function differenceText(f: ComparedFigure, style: Style): string {
  const d = f.difference;
  if (!d) return style.dim('not compared');
  const u = unitOf(f);
  const interval = f.kind === 'slope' ? ` [${ends(f, d.low, d.high)}]` : '';
  const sig = f.kind === 'slope' ? (d.significant ? ' significant' : ' not significant') : '';
  const word = d.verdict === 'worse' ? style.red('worse') : d.verdict === 'better' ? style.green('better') : 'same';
  return `${formatSigned(d.value, u)}${interval}${sig}, ${word} (tolerance ${formatValue(d.tolerance, f.unit)})`;
}

function pad(rows: string[][]): string[] {
  const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => visible(r[i] ?? ''))));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ').trimEnd());
}

const passText = (p: { pass: boolean } | null, style: Style) => (p === null ? '—' : p.pass ? style.green('pass') : style.red('FAIL'));

export function comparisonLines(c: RunComparison, opts: { color: boolean }): string[] {
  const style = makeStyle(opts.color);
  const lines = [`before: ${plainText(c.before.runId)} (${plainText(c.before.path)})`, `after:  ${plainText(c.after.runId)} (${plainText(c.after.path)})`];
  if (c.incomparable.length > 0) {
    lines.push('', style.bold('cannot compare:'), ...c.incomparable.map((r) => `  ${plainText(r)}`));
    return lines;
  }
  for (const s of c.scenarios) {
    lines.push('', style.bold(plainText(s.name)));
    const shown = s.figures.filter((f) => !flatInBoth(f));
    const figures = shown.map((f) => [figureName(f), sideText(f, f.before), sideText(f, f.after), differenceText(f, style)]);
    const pct = Math.round((s.figures.find((f) => f.difference)?.difference?.confidence ?? 0.95) * 100);
    lines.push(...pad([['figure', 'before', 'after', `after − before [${pct}%]`], ...figures]).map((l) => `  ${l}`));
    const flat = s.figures.filter(flatInBoth).map(figureName);
    if (flat.length > 0) lines.push(style.dim(`  flat in both runs: ${flat.join(', ')}`));
    const checks = s.checks.map((k) => [plainText(k.id), passText(k.before, style), passText(k.after, style)]);
    if (checks.length > 0) lines.push('', ...pad([['check', 'before', 'after'], ...checks]).map((l) => `  ${l}`));
    const said = [s.worse.length ? style.red(`worse: ${s.worse.join(', ')}`) : '', s.better.length ? style.green(`better: ${s.better.join(', ')}`) : ''].filter(Boolean);
    lines.push(`  ${said.length ? said.join('; ') : 'no figure differs beyond the tolerance'}`);
  }
  const worse = c.scenarios.filter((s) => s.worse.length > 0).length;
  lines.push('', worse > 0 ? style.red(`after is worse in ${worse} scenario(s)`) : style.green('after is not worse'), `tolerance ${Math.round(c.tolerance * 100)}% of the before figure, at least the floor per unit`);
  return lines;
}
