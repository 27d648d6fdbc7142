import { parseMetricsText, metricValue } from '@flotilla/testenv';
import { describe, expect, it } from 'vitest';
import { MetricsRegistry } from '../metrics/metrics-registry.js';
import { RolloutEvents } from './rollout-events.js';
import { RolloutMetrics } from './rollout-metrics.js';
import type { RolloutSummary } from './rollout-summary.js';

function setUp() {
  const registry = new MetricsRegistry();
  // The channel is only subscribed to at bootstrap; these tests feed events to observe() directly.
  const metrics = new RolloutMetrics(registry, new RolloutEvents());
  const event = (rollout: RolloutSummary): void => metrics.observe({ kind: 'rollout', rollout });
  const samples = async () => parseMetricsText(await registry.metrics());
  return { event, samples };
}

const clusters = { pending: 0, updating: 0, verifying: 0, succeeded: 0, failed: 0, reverting: 0, reverted: 0, 'revert-failed': 0, superseded: 0, removed: 0 };

describe('RolloutMetrics', () => {
  it('shows the progress and state of the latest rollout of each app', async () => {
    const { event, samples } = setUp();
    const rollout: RolloutSummary = { id: 1, app: 'web', kind: 'update', revision: 'main@sha1:abc', state: 'progressing', message: '', wave: 1, waves: 3, total: 5, updated: 2, clusters, finished: false };
    event(rollout);
    let s = await samples();
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'updated' })).toBe(2);
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'total' })).toBe(5);
    expect(metricValue(s, 'flotilla_rollout_wave', { app: 'web' })).toBe(1);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'Progressing' })).toBe(1);
    event({ ...rollout, wave: 2, updated: 3, clusters: { ...clusters, failed: 1 }, state: 'rolling-back' });
    s = await samples();
    expect(metricValue(s, 'flotilla_rollout_clusters', { app: 'web', status: 'failed' })).toBe(1);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'Progressing' })).toBe(0);
    expect(metricValue(s, 'flotilla_rollout_state', { app: 'web', state: 'RollingBack' })).toBe(1);
  });
});
