/** One measured figure of a benchmark, with the baseline it is compared to when there is one. */
export interface Measurement {
  /** What was measured: "first apply", "no-op reconcile". */
  name: string;
  /** Flotilla's figure. */
  value: number;
  unit: 'ms' | 'MiB' | 'count';
  /** The baseline's figure, measured in the same run on the same input. */
  baseline?: number;
  /** What the baseline is: "kubectl apply --server-side". */
  baselineName?: string;
  /** The target, as text ("≤ 0.5× kubectl", "< 1000 ms"). */
  target?: string;
  /** Whether the target was met, when there is one. */
  met?: boolean;
}

/** The result of one benchmark. */
export interface BenchReport {
  bench: string;
  size: string;
  measurements: Measurement[];
  notes?: string[];
}

/** The p-th percentile (0–100) of some numbers, nearest-rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Milliseconds since `start` (from performance.now()). */
export function since(start: number): number {
  return Math.round((performance.now() - start) * 10) / 10;
}

/** Formats reports as a plain table: figure, baseline, ratio, target. */
export function formatReports(reports: readonly BenchReport[]): string {
  const rows: string[][] = [['bench', 'measurement', 'flotilla', 'baseline', 'ratio', 'target']];
  for (const report of reports) {
    for (const m of report.measurements) {
      const ratio = m.baseline ? `${(m.value / m.baseline).toFixed(2)}×` : '';
      const target = m.target ? `${m.target} ${m.met === undefined ? '' : m.met ? '✓' : '✗'}` : '';
      rows.push([
        `${report.bench} (${report.size})`,
        m.name,
        `${m.value} ${m.unit}`,
        m.baseline !== undefined ? `${m.baseline} ${m.unit} (${m.baselineName ?? 'baseline'})` : '',
        ratio,
        target.trim(),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
