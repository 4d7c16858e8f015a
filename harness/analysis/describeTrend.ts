// The trend verdict in one sentence, for the terminal and the report's check message:
// "RSS grows 48.1 KB per iteration (95% CI 45.0–51.2), no plateau: leak". It says what was measured:
// a fall is a fall, an interval of 0–0 is flat, a plateau says the slope after it, and an
// inconclusive verdict says what would decide it.
import type { TrendResult } from '../report/runReportSchema.ts';
import { formatBytes } from '../scenario/units.ts';
import { formatNeeded } from '../scenario/elapsed.ts';

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

/** "grows 2.0 KB per iteration (95% CI 1.7–2.3)", "falls 0.47 blocks per iteration (…)", "stays flat (0 B per iteration)". */
export function movement(r: Pick<TrendResult, 'slope' | 'low' | 'high' | 'unit' | 'per' | 'confidence'>): string {
  if (r.slope === 0 && r.low === 0 && r.high === 0) return `stays flat (0 ${r.unit === 'B' ? 'B' : r.unit} per ${r.per})`;
  if (r.slope > 0) return `grows ${formatSlope(r)}`;
  if (r.slope < 0) return `falls ${formatSlope({ ...r, slope: -r.slope, low: -r.high, high: -r.low })}`;
  return `changes ${formatSlope(r)}`;
}

function moreToDecide(r: TrendResult): string {
  if (r.measureForMs !== undefined) return `, measuring at least ${formatNeeded(r.measureForMs)} would decide`;
  if (r.moreIterationsNeeded !== undefined) {
    const unit = r.per === 'iteration' ? 'iteration' : 'sample';
    return `, about ${r.moreIterationsNeeded} more ${unit}${r.moreIterationsNeeded === 1 ? '' : 's'} would decide`;
  }
  return '';
}

export function describeTrend(name: string, r: TrendResult): string {
  switch (r.verdict) {
    case 'leak':
      return `${name} grows ${formatSlope(r)}, no plateau: leak`;
    case 'bounded':
      if (r.plateauAt !== null) return `${name} rose then plateaued from sample ${r.plateauAt + r.samplesUsed.from} (after it, ${movement(r).replace(/^(grows|falls|changes|stays)/, (v) => ({ grows: 'grew', falls: 'fell', changes: 'changed', stays: 'stayed' })[v]!)}): bounded`;
      // rising, but less than the floor worth calling a leak
      if (r.reason.startsWith('rising')) return `${name} ${movement(r)}, less than is worth calling a leak: bounded`;
      return `${name} ${movement(r)}, no lasting growth: bounded`;
    case 'inconclusive':
      return `${name} ${movement(r)}: inconclusive (${r.reason.split(':')[0]})${moreToDecide(r)}`;
  }
}

/**
 * What the heap's own check said, in its words, for a check that weighs RSS against it: "the runtime
 * heap after GC grows 2.0 KB per iteration (…), less than is worth calling a leak".
 */
export function heapSays(heap: TrendResult): string {
  const moved = movement(heap);
  if (heap.verdict === 'bounded') return `the runtime heap after GC ${moved}${moved.startsWith('grows') ? ', less than is worth calling a leak' : ''}`;
  return `the runtime heap after GC ${moved}, not clearly growing`;
}
