import { describe, expect, it } from 'vitest';
import { metricValue, parseMetricsText } from './scrape-metrics.js';

describe('parseMetricsText', () => {
  const text = [
    '# HELP flotilla_assignments Assignments by phase',
    '# TYPE flotilla_assignments gauge',
    'flotilla_assignments{phase="Synced"} 2',
    'flotilla_assignments{phase="Pending"} 0',
    '',
    'flotilla_reconcile_duration_seconds_bucket{le="+Inf",phase="Synced"} 3',
    'flotilla_clusters 3 1700000000000',
    'flotilla_odd{message="a \\"quoted\\" value, with comma"} 1.5',
  ].join('\n');

  it('reads names, labels and values, skipping comments', () => {
    const samples = parseMetricsText(text);
    expect(samples).toHaveLength(5);
    expect(metricValue(samples, 'flotilla_assignments', { phase: 'Synced' })).toBe(2);
    expect(metricValue(samples, 'flotilla_assignments', { phase: 'Pending' })).toBe(0);
    expect(metricValue(samples, 'flotilla_clusters')).toBe(3);
    expect(samples.find((s) => s.name === 'flotilla_odd')?.labels).toEqual({ message: 'a "quoted" value, with comma' });
  });

  it('leaves metrics it does not have undefined', () => {
    expect(metricValue(parseMetricsText(text), 'flotilla_assignments', { phase: 'Failed' })).toBeUndefined();
  });

  it('refuses text that is not an exposition', () => {
    expect(() => parseMetricsText('<html>')).toThrow(/not a Prometheus sample line/);
  });
});
