// A series as a small inline line (no axes: its scale is in the row beside it), with the settle
// reads shaded as the big charts shade them. Used by the tables of per-type and per-path series.
import type { Phase } from '../../report/sampleSchema.ts';
import { escapeHtml as e } from './escapeHtml.ts';

const W = 160;
const H = 28;

export function sparkline(values: readonly (number | null)[], phase: readonly Phase[], label: string): string {
  const pts = values.map((v, i) => [i, v] as const).filter((p): p is readonly [number, number] => p[1] !== null);
  if (pts.length < 2) return '';
  const ys = pts.map((p) => p[1]);
  const lo = Math.min(0, ...ys);
  const span = Math.max(...ys) - lo || 1;
  const last = Math.max(1, values.length - 1);
  const xy = pts.map(([i, v]) => `${((i / last) * W).toFixed(1)},${(H - 2 - ((v - lo) / span) * (H - 4)).toFixed(1)}`).join(' ');
  const firstSettle = phase.indexOf('settle');
  // from the last measured read, so that one settle read still shows
  const settleX = firstSettle > 0 ? ((firstSettle - 1) / last) * W : null;
  const settle = settleX !== null ? `<rect x="${settleX.toFixed(1)}" y="0" width="${(W - settleX).toFixed(1)}" height="${H}" fill="currentColor" opacity="0.08"/>` : '';
  return `<svg class="spark" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${e(label)} at each boundary read">${settle}<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="${xy}"/></svg>`;
}
