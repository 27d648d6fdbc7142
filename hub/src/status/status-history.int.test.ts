import { Health, type StatusReport } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { syncedReport, TestAgent } from '../testing/test-agent.js';

const counts = (fields: Partial<Record<'created' | 'configured' | 'unchanged', number>>) => ({ created: 0, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0, ...fields });

describe.each(TEST_DATABASES)('status and history of reconciles (%s)', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let agent: TestAgent;
  let revision: string;

  const report = (fields: Partial<StatusReport>) => syncedReport({ app: 'web', generation: 1, revision, ...fields });
  const status = async () => (await hub.api().get('/api/v1/apps/web/status').expect(200)).body.items[0].applied;
  const history = async () => (await hub.api().get('/api/v1/apps/web/history').expect(200)).body.items;
  /** Sends a report and waits until the hub has stored it. */
  const send = async (status: StatusReport) => {
    const before = (await hub.api().get('/api/v1/apps/web/status')).body.items[0]?.applied?.updatedAt;
    agent.send({ status });
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/web/status')).body.items[0]?.applied?.updatedAt).not.toBe(before), { timeout: 10_000, interval: 20 });
  };

  beforeAll(async () => {
    git = await startGitServer();
    const { commit } = await git.createRepository('fleet', { 'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    revision = `main@sha1:${commit}`;
    hub = await startTestHub(database);
    const joinToken = (await hub.api().post('/api/v1/clusters').send({ name: 'eu-1' }).expect(201)).body.joinToken;
    const credential = await TestAgent.join(hub.grpcAddress, joinToken, 'eu-1');
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { clusters: ['eu-1'] } }).expect(201);
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/web/status')).body.clusters).toBe(1), { timeout: 15_000, interval: 100 });
    agent = TestAgent.connect(hub.grpcAddress, credential, 'eu-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
  });
  afterAll(async () => {
    await agent?.close().catch(() => undefined);
    await hub?.stop();
    await git?.stop();
  });

  it('keeps one history entry per reconcile, updated from progressing to its outcome', async () => {
    await send(report({ health: Health.HEALTH_PROGRESSING, summary: counts({ created: 1 }), durationMs: 40 }));
    expect(await history()).toMatchObject([{ generation: 1, outcome: 'progressing', changes: { created: 1 } }]);
    await send(report({ summary: counts({ created: 1 }), durationMs: 900 }));
    expect(await history()).toMatchObject([{ generation: 1, outcome: 'healthy', changes: { created: 1 } }]);
    expect(await history()).toHaveLength(1);
  });

  it('keeps the last change set and adds no entry for a resync that applied nothing, while its health still shows', async () => {
    const before = await status();
    await send(report({ nothingApplied: true, summary: counts({}), durationMs: 3 }));
    expect(await status()).toMatchObject({ phase: 'Synced', health: 'Healthy', changes: { created: 1 }, durationMs: 900 });
    expect((await status()).updatedAt > before.updatedAt).toBe(true);
    await send(report({ nothingApplied: true, health: Health.HEALTH_DEGRADED, summary: counts({}), errors: [{ code: 'DEGRADED', message: 'Deployment/web/api: 0 of 2 ready', file: '', line: 0 }] }));
    expect(await status()).toMatchObject({ health: 'Degraded', changes: { created: 1 }, errors: [{ code: 'DEGRADED' }] });
    expect(await history()).toMatchObject([{ outcome: 'healthy' }]);
  });

  it('adds an entry for each new reconcile of the same generation, as a sync now makes', async () => {
    await send(report({ health: Health.HEALTH_PROGRESSING, summary: counts({ configured: 1 }) }));
    await send(report({ summary: counts({ configured: 1 }) }));
    expect(await history()).toMatchObject([
      { generation: 1, outcome: 'healthy', changes: { configured: 1 } },
      { generation: 1, outcome: 'healthy', changes: { created: 1 } },
    ]);
  });
});
