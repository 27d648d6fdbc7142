import * as grpc from '@grpc/grpc-js';
import { Health, Phase, StatusServiceClient } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { watchStatus } from '../testing/watch-status.js';
import { TestAgent } from '../testing/test-agent.js';

describe('status stream', () => {
  let git: GitServer;
  let hub: TestHub;
  let client: StatusServiceClient;
  let agent: TestAgent;
  let commit: string;

  beforeAll(async () => {
    git = await startGitServer();
    commit = (await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub('sqlite');
    for (const name of ['eu-1', 'us-1']) {
      const token = (await hub.api().post('/api/v1/clusters').send({ name, labels: { env: 'prod' } }).expect(201)).body.joinToken;
      if (name === 'eu-1') agent = TestAgent.connect(hub.grpcAddress, await TestAgent.join(hub.grpcAddress, token, name), name);
    }
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } } }).expect(201);
    await hub.api().post('/api/v1/apps').send({ name: 'api', source: 'fleet', path: 'web', targets: { clusters: ['us-1'] } }).expect(201);
    await agent.next((m) => m.assignment?.app === 'web');
    client = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    client?.close();
    await agent?.close();
    await hub?.stop();
    await git?.stop();
  });

  it('starts with a snapshot of clusters and statuses, filtered, then a completion marker', async () => {
    const { events, call } = watchStatus(client, { clusters: [], apps: ['web'], resumeFrom: '', skipSnapshot: false });
    await expect.poll(() => events.some((e) => e.snapshotComplete)).toBe(true);
    call.cancel();
    expect(events.filter((e) => e.clusterSnapshot).map((e) => e.clusterSnapshot?.name)).toEqual(['eu-1', 'us-1']);
    expect(events.filter((e) => e.statusSnapshot).map((e) => [e.statusSnapshot?.cluster, e.statusSnapshot?.app, e.statusSnapshot?.desiredRevision])).toEqual([
      ['eu-1', 'web', `main@sha1:${commit}`],
      ['us-1', 'web', `main@sha1:${commit}`],
    ]);
    expect(events.at(-1)?.snapshotComplete).toEqual({ reset: false });
  });

  it('sends live status and cluster events, and resumes after the last cursor seen', async () => {
    const first = watchStatus(client, { clusters: ['eu-1'], apps: [], resumeFrom: '', skipSnapshot: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    agent.send({
      status: {
        reportId: 'r1', app: 'web', generation: 1, revision: `main@sha1:${commit}`, phase: Phase.PHASE_SYNCED, health: Health.HEALTH_PROGRESSING,
        changes: [], errors: [], durationMs: 10, inventory: [], nothingApplied: false,
      },
    });
    await expect.poll(() => first.events.find((e) => e.status)?.status).toMatchObject({
      app: 'web', cluster: 'eu-1', phase: 'PHASE_SYNCED', health: 'HEALTH_PROGRESSING', appliedGeneration: 1, desiredGeneration: 1,
    });
    const cursor = first.events.at(-1)?.cursor as string;
    first.call.cancel();

    // Missed while away: a second report and a label change of another cluster (filtered out).
    agent.send({
      status: {
        reportId: 'r2', app: 'web', generation: 1, revision: `main@sha1:${commit}`, phase: Phase.PHASE_SYNCED, health: Health.HEALTH_HEALTHY,
        changes: [], errors: [], durationMs: 10, inventory: [], nothingApplied: false,
      },
    });
    await hub.api().patch('/api/v1/clusters/us-1').send({ labels: { env: 'prod', tier: 'x' } }).expect(200);
    await expect.poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items[0].applied.health).toBe('Healthy');

    const resumed = watchStatus(client, { clusters: ['eu-1'], apps: [], resumeFrom: cursor, skipSnapshot: false });
    await expect.poll(() => resumed.events.find((e) => e.status)?.status?.health).toBe('HEALTH_HEALTHY');
    resumed.call.cancel();
    expect(resumed.events.some((e) => e.snapshotComplete || e.clusterSnapshot)).toBe(false);
    expect(resumed.events.some((e) => e.cluster?.cluster?.name === 'us-1')).toBe(false);
  });

  it('answers an unknown cursor with a fresh snapshot marked reset', async () => {
    const { events, call } = watchStatus(client, { clusters: [], apps: [], resumeFrom: 'ffffffff-1', skipSnapshot: false });
    await expect.poll(() => events.find((e) => e.snapshotComplete)?.snapshotComplete).toEqual({ reset: true });
    call.cancel();
  });

  it('tells of clusters connecting and disconnecting', async () => {
    const { events, call } = watchStatus(client, { clusters: ['us-1'], apps: [], resumeFrom: '', skipSnapshot: true });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const token = (await hub.api().post('/api/v1/clusters').send({ name: 'ap-1' }).expect(201)).body.joinToken as string;
    expect(token).toBeTruthy();
    await hub.api().delete('/api/v1/clusters/us-1').expect(204);
    await expect.poll(() => events.map((e) => e.cluster?.type)).toContain('CLUSTER_EVENT_TYPE_REMOVED');
    expect(events.some((e) => e.cluster?.cluster?.name === 'ap-1')).toBe(false);
    call.cancel();
  });
});
