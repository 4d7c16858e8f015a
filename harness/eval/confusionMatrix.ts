// Truth (leak or clean) against verdict (leak, bounded, inconclusive), counted per group.

export type TrendVerdict = 'leak' | 'bounded' | 'inconclusive';

export interface ConfusionRow {
  group: string;
  truth: 'leak' | 'clean';
  leak: number;
  bounded: number;
  inconclusive: number;
  total: number;
}

export class ConfusionMatrix {
  readonly rows = new Map<string, ConfusionRow>();

  add(group: string, truth: 'leak' | 'clean', verdict: TrendVerdict): void {
    const key = `${group}\u0000${truth}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { group, truth, leak: 0, bounded: 0, inconclusive: 0, total: 0 };
      this.rows.set(key, row);
    }
    row[verdict]++;
    row.total++;
  }

  /** leak verdicts on clean series, over all clean series */
  falsePositiveRate(): number {
    const clean = [...this.rows.values()].filter((r) => r.truth === 'clean');
    const total = clean.reduce((s, r) => s + r.total, 0);
    return total === 0 ? 0 : clean.reduce((s, r) => s + r.leak, 0) / total;
  }

  /** leak verdicts on leaking series, over all leaking series */
  detectionRate(): number {
    const leaks = [...this.rows.values()].filter((r) => r.truth === 'leak');
    const total = leaks.reduce((s, r) => s + r.total, 0);
    return total === 0 ? 1 : leaks.reduce((s, r) => s + r.leak, 0) / total;
  }

  format(title: string): string {
    const width = Math.max(10, ...[...this.rows.values()].map((r) => r.group.length));
    const lines = [`${title}`, `  ${'group'.padEnd(width)}  truth  ${'leak'.padStart(6)} ${'bounded'.padStart(8)} ${'inconcl.'.padStart(8)}`];
    for (const r of this.rows.values()) {
      lines.push(`  ${r.group.padEnd(width)}  ${r.truth.padEnd(5)}  ${String(r.leak).padStart(6)} ${String(r.bounded).padStart(8)} ${String(r.inconclusive).padStart(8)}`);
    }
    return lines.join('\n');
  }
}
