import { describe, expect, it } from 'vitest';
import { formatReports, percentile } from './bench-report.js';

describe('bench reports', () => {
  it('take nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([5], 99)).toBe(5);
  });

  it('print ratios against the baseline and whether targets were met', () => {
    const table = formatReports([
      { bench: 'apply', size: '10 objects', measurements: [{ name: 'first apply', value: 50, unit: 'ms', baseline: 100, baselineName: 'kubectl', target: '≤ 0.5×', met: true }] },
    ]);
    expect(table).toContain('0.50×');
    expect(table).toContain('≤ 0.5× ✓');
  });
});
