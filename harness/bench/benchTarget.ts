// The one line a bench prints per target of issue #12, and the runner reads back:
//   target: <what> <op> <limit>, anchor: <anchor>, measured: <value>, ratio: <r>, PASS|MISS
// A bench states its targets through this, never by throwing: the runner counts the MISS lines and
// exits 1 when there is one, after every bench has run and printed what it measured.
export interface BenchTarget {
  /** 'timed read of the tree' */
  what: string;
  /** what the value is measured against, with its own figure: 'pidusage(3 pids) 0.076 ms' */
  anchor: string;
  /** the measured figure, with its unit: '0.210 ms' */
  measured: string;
  /** measured against the anchor, as the target states it ('8.1x cheaper'), or '-' where the target is absolute */
  ratio: string;
  /** the target in words: '<= 0.5 ms' */
  limit: string;
  pass: boolean;
}

export const TARGET_LINE = /^target: .*, (PASS|MISS)$/;

export function targetLine(t: BenchTarget): string {
  return `target: ${t.what} ${t.limit}, anchor: ${t.anchor}, measured: ${t.measured}, ratio: ${t.ratio}, ${t.pass ? 'PASS' : 'MISS'}`;
}

export function printTarget(t: BenchTarget): boolean {
  console.log(targetLine(t));
  return t.pass;
}

export const ms = (x: number, digits = 3): string => `${x.toFixed(digits)} ms`;

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
