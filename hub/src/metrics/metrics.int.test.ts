import * as grpc from '@grpc/grpc-js';
import { Health, Phase, StatusServiceClient, type StatusEvent } from '@flotilla/proto';
import { type GitServer, metricValue, scrapeMetrics, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_ADMIN_TOKEN, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';

describe.each(TEST_DATABASES)('hub /metrics on %s', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let agent: TestAgent;
  let commit: string;

  beforeAll(async () => {
    git = await startGitServer();
    commit = (await git.createRepository('fleet', { 'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub(database);
    const tokens: Record<string, string> = {};
    for (const name of ['eu-1', 'us-1']) {
      tokens[name] = (await hub.api().post('/api/v1/clusters').send({ name, labels: { env: 'prod' } }).expect(201)).body.joinToken;
    }
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    agent = TestAgent.connect(hub.grpcAddress, await TestAgent.join(hub.grpcAddress, tokens['eu-1'] as string, 'eu-1'), 'eu-1');
    await agent.next((m) => m.assignment?.app === 'web');
  });
  afterAll(async () => {
    await agent?.close().catch(() => undefined);
    await hub?.stop();
    await git?.stop();
  });

  const scrape = () => scrapeMetrics(`${hub.httpUrl}/metrics`);

  it('counts registered clusters, connected agents and open agent streams', async () => {
    await expect.poll(async () => metricValue(await scrape(), 'flotilla_agents_connected')).toBe(1);
    const samples = await scrape();
    expect(metricValue(samples, 'flotilla_clusters')).toBe(2);
    expect(metricValue(samples, 'flotilla_open_streams', { service: 'agent' })).toBe(1);
    expect(metricValue(samples, 'flotilla_open_streams', { service: 'status' })).toBe(0);
  });

  it('counts assignments by the phase their agent reported, Pending before any report', async () => {
    const before = await scrape();
    expect(metricValue(before, 'flotilla_assignments', { phase: 'Pending' })).toBe(2);
    expect(metricValue(before, 'flotilla_assignments', { phase: 'Synced' })).toBe(0);

    const report = (id: string, health: Health) => ({
      reportId: id,
      app: 'web',
      generation: 1,
      revision: `main@sha1:${commit}`,
      phase: Phase.PHASE_SYNCED,
      health,
      summary: { created: 2, configured: 1, unchanged: 0, pruned: 0, skipped: 0, failed: 0 },
      changes: [],
      errors: [],
      durationMs: 1500,
      inventory: [],
      nothingApplied: false,
    });
    // An agent reports once after apply (Progressing) and once health is known: one reconcile, counted once.
    agent.send({ status: report('r-1', Health.HEALTH_PROGRESSING) });
    agent.send({ status: report('r-2', Health.HEALTH_HEALTHY) });
    // Both reports are in once the final one is counted.
    await expect.poll(async () => metricValue(await scrape(), 'flotilla_reconciles_total', { phase: 'Synced', health: 'Healthy' })).toBe(1);
    const after = await scrape();
    expect(metricValue(after, 'flotilla_assignments', { phase: 'Synced' })).toBe(1);
    expect(metricValue(after, 'flotilla_assignments', { phase: 'Pending' })).toBe(1);
    expect(metricValue(after, 'flotilla_reconcile_duration_seconds_count', { phase: 'Synced' })).toBe(1);
    expect(metricValue(after, 'flotilla_reconcile_duration_seconds_sum', { phase: 'Synced' })).toBe(1.5);
    expect(metricValue(after, 'flotilla_reconcile_duration_seconds_bucket', { phase: 'Synced', le: '2.5' })).toBe(1);
    expect(metricValue(after, 'flotilla_objects_applied_total', { action: 'created' })).toBe(2);
    expect(metricValue(after, 'flotilla_objects_applied_total', { action: 'configured' })).toBe(1);
  });

  it('counts status streams while they are open', async () => {
    const client = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const call = client.watch({ clusters: [], apps: [], resumeFrom: '', skipSnapshot: false }, metadata);
    await new Promise<void>((resolve) => call.on('data', (event: StatusEvent) => event.snapshotComplete && resolve()));
    call.on('error', () => undefined);
    expect(metricValue(await scrape(), 'flotilla_open_streams', { service: 'status' })).toBe(1);
    call.cancel();
    await expect.poll(async () => metricValue(await scrape(), 'flotilla_open_streams', { service: 'status' })).toBe(0);
    client.close();
  });

  it('prefixes every metric with flotilla_, process metrics included', async () => {
    const samples = await scrape();
    expect(samples.filter((s) => !s.name.startsWith('flotilla_')).map((s) => s.name)).toEqual([]);
    expect(metricValue(samples, 'flotilla_hub_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});
