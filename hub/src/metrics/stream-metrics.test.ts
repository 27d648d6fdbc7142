import { parseMetricsText, metricValue } from '@flotilla/testenv';
import { RolloutState, type StatusEvent } from '@flotilla/proto';
import { describe, expect, it } from 'vitest';
import type { StatusStream } from '../status/status-stream.service.js';
import { MetricsRegistry } from './metrics-registry.js';
import { StreamMetrics } from './stream-metrics.service.js';


function setUp() {
  const registry = new MetricsRegistry();
  // The stream is only subscribed to at bootstrap; these tests feed events to observe() directly.
  const metrics = new StreamMetrics(registry, {} as StatusStream);
  const event = (fields: Partial<StatusEvent>): void => metrics.observe({ cursor: 'c', ...fields } as StatusEvent);
  const samples = async () => parseMetricsText(await registry.metrics());
  return { event, samples };
}

describe('StreamMetrics', () => {
  it('shows the progress and state of the latest rollout of each app', async () => {
    const { event, samples } = setUp();
    const rollout = { id: 'r1', app: 'web', revision: 'main@sha1:abc', wave: 1, updatedClusters: 2, totalClusters: 5, failedClusters: 0, message: '' };
    event({ rollout: { ...rollout, state: RolloutState.ROLLOUT_STATE_PROGRESSING } });
    let s = await samples();
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'updated' })).toBe(2);
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'total' })).toBe(5);
    expect(metricValue(s, 'flotilla_rollout_wave', { app: 'web' })).toBe(1);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'Progressing' })).toBe(1);
    event({ rollout: { ...rollout, wave: 2, updatedClusters: 3, failedClusters: 1, state: RolloutState.ROLLOUT_STATE_ROLLING_BACK } });
    s = await samples();
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'failed' })).toBe(1);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'Progressing' })).toBe(0);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'RollingBack' })).toBe(1);
  });
});

describe('MetricsRegistry', () => {
  it('hands a module the metric another module already defined under that name', () => {
    const registry = new MetricsRegistry();
    const first = registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] });
    expect(registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] })).toBe(first);
  });

  it('refuses the same name with another type or other labels, and names without the prefix', () => {
    const registry = new MetricsRegistry();
    registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['app'] });
    expect(() => registry.counter({ name: 'flotilla_things', help: 'things', labelNames: ['app'] })).toThrow(/already defined as a Gauge/);
    expect(() => registry.gauge({ name: 'flotilla_things', help: 'things', labelNames: ['cluster'] })).toThrow(/labels \[app\]/);
    expect(() => registry.gauge({ name: 'things', help: 'things' })).toThrow(/must start with flotilla_/);
  });
});
