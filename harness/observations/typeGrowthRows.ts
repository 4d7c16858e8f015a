// The per-type growth the agent read at each boundary (runner/typeGrowthCollector.ts), as stream
// lines and back as the report's series, in bounded memory: at most MAX_NAMES names are kept (the
// collector follows fewer at a time), and past `maxRows` every other measured read is dropped,
// as the boundary series are thinned (series/seriesRecorder.ts). The baseline (the last warmup
// read) and the settle reads always stay.
import type { Phase } from '../report/sampleSchema.ts';
import type { TypeGrowthSeries } from '../report/runReportSchema.ts';
import { phaseOfCode, type TypeGrowthLine } from '../series/sampleStream.ts';
import { everyOtherMeasured } from '../series/seriesRecorder.ts';

export const MAX_NAMES = 60;

export interface TypeGrowthRows {
  add(line: TypeGrowthLine): void;
  /** the series from the baseline on; undefined when no read was made */
  build(): TypeGrowthSeries | undefined;
}

export function createTypeGrowthRows(opts: { maxRows?: number } = {}): TypeGrowthRows {
  const maxRows = Math.max(16, opts.maxRows ?? 2000);
  let runtime: TypeGrowthLine['r'] = 'python';
  let iteration: number[] = [];
  let phase: Phase[] = [];
  let values = new Map<string, (number | null)[]>();
  // per name, what it gave back since the baseline by its last read (cumulative: thinning keeps it)
  let givenBack = new Map<string, number>();
  // per name, the bytes a live sample stood for at its last read with any (Node)
  let sampleBytes = new Map<string, number>();
  let readMs = 0;
  let reads = 0;

  const thin = () => {
    const pick = everyOtherMeasured(phase);
    iteration = pick(iteration);
    phase = pick(phase);
    values = new Map([...values].map(([k, v]) => [k, pick(v)]));
  };

  return {
    add(line) {
      runtime = line.r;
      readMs += line.ms;
      reads++;
      // every warmup read is a new baseline: the last one is the one the measured phase starts from
      if (line.p === 'w') {
        iteration = [];
        phase = [];
        values = new Map();
        givenBack = new Map();
        sampleBytes = new Map();
      } else if (iteration.length === 0) {
        return; // no baseline: a change since nothing says nothing
      }
      const row = iteration.length;
      iteration.push(line.i);
      phase.push(phaseOfCode(line.p));
      for (const v of values.values()) v.push(null);
      for (const [name, n] of Object.entries(line.c)) {
        let v = values.get(name);
        if (!v) {
          if (values.size >= MAX_NAMES) continue;
          v = Array<number | null>(row + 1).fill(null);
          v[0] = 0; // at the baseline, nothing has changed since the baseline
          values.set(name, v);
        }
        v[row] = n;
        const g = line.g?.[name];
        if (g !== undefined) givenBack.set(name, g);
        const samples = line.n?.[name];
        if (samples !== undefined && samples > 0 && n > 0) sampleBytes.set(name, n / samples);
      }
      if (iteration.length > maxRows) thin();
    },
    build() {
      if (iteration.length === 0) return undefined;
      return {
        runtime,
        kind: runtime === 'python' ? 'type' : 'allocation-site',
        unit: runtime === 'python' ? 'objects' : 'B',
        iteration: [...iteration],
        phase: [...phase],
        series: [...values].map(([name, v]) => ({
          name, values: [...v],
          ...(givenBack.has(name) ? { givenBack: givenBack.get(name)! } : {}),
          ...(sampleBytes.has(name) ? { sampleBytes: Math.round(sampleBytes.get(name)!) } : {}),
        })),
        readMs: reads > 0 ? readMs / reads : 0,
      };
    },
  };
}
