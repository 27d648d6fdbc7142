import { metricValue, scrapeMetrics } from '@flotilla/testenv';
import { afterEach, describe, expect, it } from 'vitest';
import type { ReconcileReport } from '../assignment/reconcile-report.js';
import { AgentMetrics } from './agent-metrics.js';
import { type MetricsServer, startMetricsServer } from './metrics-server.js';

const ref = (name: string) => ({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name });

function report(fields: Partial<ReconcileReport>): ReconcileReport {
  return {
    reportId: 'r',
    app: 'web',
    generation: 1,
    revision: 'main@sha1:' + 'a'.repeat(40),
    phase: 'Synced',
    health: 'Healthy',
    summary: { created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 },
    changes: [],
    errors: [],
    startedAt: new Date(),
    durationMs: 2000,
    inventory: [],
    ...fields,
  };
}

describe('agent /metrics', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('counts each reconcile once, with its duration and the objects it applied', async () => {
    const sent: ReconcileReport[] = [];
    const metrics = new AgentMetrics({ isConnected: () => true, pending: () => 3, dropped: () => 2, apps: () => 1 });
    const sink = metrics.instrument({ report: (r) => sent.push(r), ack: () => undefined });
    const changes = [
      { ref: ref('a'), action: 'created' as const },
      { ref: ref('b'), action: 'created' as const },
      { ref: ref('c'), action: 'pruned' as const },
    ];
    sink.report(report({ health: 'Progressing', changes }));
    sink.report(report({ health: 'Healthy', changes }));
    sink.report(report({ phase: 'Failed', health: 'Unknown', durationMs: 300 }));
    expect(sent).toHaveLength(3);

    server = await startMetricsServer({ registry: metrics.registry, host: '127.0.0.1', port: 0 });
    const samples = await scrapeMetrics(server.url);
    expect(metricValue(samples, 'flotilla_agent_reconciles_total', { app: 'web', phase: 'Synced', health: 'Healthy' })).toBe(1);
    expect(metricValue(samples, 'flotilla_agent_reconciles_total', { app: 'web', phase: 'Failed' })).toBe(1);
    expect(metricValue(samples, 'flotilla_agent_reconcile_duration_seconds_sum', { app: 'web', phase: 'Synced' })).toBe(2);
    expect(metricValue(samples, 'flotilla_agent_objects_applied_total', { app: 'web', action: 'created' })).toBe(2);
    expect(metricValue(samples, 'flotilla_agent_objects_applied_total', { app: 'web', action: 'pruned' })).toBe(1);
    expect(metricValue(samples, 'flotilla_agent_hub_connected')).toBe(1);
    expect(metricValue(samples, 'flotilla_agent_outbox_dropped')).toBe(2);
    expect(metricValue(samples, 'flotilla_agent_outbox_messages')).toBe(3);
    expect(metricValue(samples, 'flotilla_agent_apps')).toBe(1);
    expect(samples.filter((s) => !s.name.startsWith('flotilla_')).map((s) => s.name)).toEqual([]);
  });

  it('answers other paths with 404 and other methods with 405', async () => {
    server = await startMetricsServer({ registry: new AgentMetrics({ isConnected: () => false, pending: () => 0, dropped: () => 0, apps: () => 0 }).registry, host: '127.0.0.1', port: 0 });
    const base = server.url.replace('/metrics', '');
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
