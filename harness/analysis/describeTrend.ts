// The trend verdict in one sentence, for the terminal and the report's check message:
// "RSS grows 48.1 KB per iteration (95% CI 45.0–51.2), no plateau: leak".
import type { TrendResult } from '../report/schema.ts';
import { formatBytes } from '../scenario/units.ts';
import { formatNeeded } from './soakWindow.ts';

/** Byte values share the slope's scale, so the interval reads in the same unit as the slope. */
function byteScale(v: number): { div: number; suffix: string } {
  const a = Math.abs(v);
  if (a >= 1e9) return { div: 1e9, suffix: 'GB' };
  if (a >= 1e6) return { div: 1e6, suffix: 'MB' };
  if (a >= 1e3) return { div: 1e3, suffix: 'KB' };
  return { div: 1, suffix: 'B' };
}

function num(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? v.toFixed(1) : v.toPrecision(2);
}

export function formatSlope(r: Pick<TrendResult, 'slope' | 'low' | 'high' | 'unit' | 'per' | 'confidence'>): string {
  const ci = `${Math.round(r.confidence * 100)}% CI`;
  if (r.unit === 'B') {
    const { div } = byteScale(r.slope);
    return `${formatBytes(r.slope)} per ${r.per} (${ci} ${num(r.low / div)}–${num(r.high / div)})`;
  }
  return `${num(r.slope)} ${r.unit} per ${r.per} (${ci} ${num(r.low)}–${num(r.high)})`;
}

export function describeTrend(name: string, r: TrendResult): string {
  const slope = formatSlope(r);
  switch (r.verdict) {
    case 'leak':
      return `${name} grows ${slope}, no plateau: leak`;
    case 'bounded':
      return r.plateauAt !== null
        ? `${name} rose ${slope} then plateaued from sample ${r.plateauAt + r.samplesUsed.from}: bounded`
        : `${name} changes ${slope}, no lasting growth: bounded`;
    case 'inconclusive': {
      const more = r.measureForMs !== undefined
        ? `, measuring at least ${formatNeeded(r.measureForMs)} would decide`
        : r.moreIterationsNeeded !== undefined ? `, about ${r.moreIterationsNeeded} more ${r.per === 'iteration' ? 'iteration' : 'sample'}${r.moreIterationsNeeded === 1 ? '' : 's'} would decide` : '';
      return `${name} changes ${slope}: inconclusive (${r.reason.split(':')[0]})${more}`;
    }
  }
}
