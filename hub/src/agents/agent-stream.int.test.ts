import * as grpc from '@grpc/grpc-js';
import { type HubMessage, Health, Phase } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestHub, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';

const isAssignment = (app: string, generation?: number) => (m: HubMessage) =>
  m.assignment?.app === app && (generation === undefined || m.assignment.generation === generation);

describe('agent stream', () => {
  let git: GitServer;
  let hub: TestHub;
  let commit: string;
  const tokens: Record<string, string> = {};
  const agents: TestAgent[] = [];
  // Agents send heartbeats as real ones do, but for the test of one that stops.
  const connect = (cluster: string, token = tokens[cluster] as string, heartbeats = true): TestAgent => {
    const agent = TestAgent.connect(hub.grpcAddress, token, cluster);
    if (heartbeats) agent.keepAlive(400);
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    git = await startGitServer();
    commit = (await git.createRepository('fleet', { 'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' })).commit;
    hub = await startTestHub('sqlite', { FLOTILLA_HEARTBEAT_TIMEOUT_MS: '1500', FLOTILLA_HEARTBEAT_INTERVAL_MS: '500' });
    for (const [name, env] of [['eu-1', 'prod'], ['us-1', 'prod'], ['dev-1', 'dev']] as const) {
      const joinToken = (await hub.api().post('/api/v1/clusters').send({ name, labels: { env, region: name.slice(0, 2) } }).expect(201)).body.joinToken;
      tokens[name] = await TestAgent.join(hub.grpcAddress, joinToken, name);
    }
    await hub.api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet'), webhookSecret: 'a-webhook-secret-value' }).expect(201);
    await hub.api()
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: 'web', targets: { selector: { matchLabels: { env: 'prod' } } }, variables: { replicas: '3' }, namespace: 'web' })
      .expect(201);
    // Assignments exist once the hub has fetched and rendered the commit.
    await vi.waitFor(async () => expect((await hub.api().get('/api/v1/apps/web/status')).body.clusters).toBe(2), { timeout: 15_000, interval: 100 });
  });
  afterAll(async () => {
    for (const agent of agents) await agent.close().catch(() => undefined);
    await hub?.stop();
    await git?.stop();
  });

  it('sends hello, every current assignment and the end-of-burst marker on connect', async () => {
    const agent = connect('eu-1');
    const hello = await agent.next((m) => m.hello !== undefined && m.hello !== null);
    expect(hello.hello).toMatchObject({ cluster: 'eu-1', heartbeatIntervalMs: 500, heartbeatTimeoutMs: 1500 });
    const { assignment } = await agent.next(isAssignment('web'));
    expect(assignment).toMatchObject({
      app: 'web',
      generation: 1,
      revision: `main@sha1:${commit}`,
      source: { url: git.repoUrl('fleet'), ref: 'main', commit },
      path: 'web',
      defaultNamespace: 'web',
      variables: { replicas: '3', 'cluster.name': 'eu-1', 'cluster.labels.env': 'prod', 'cluster.labels.region': 'eu' },
      policy: { prune: true, driftMode: 'DRIFT_MODE_REPORT', healthTimeoutMs: 300_000 },
    });
    const complete = await agent.next((m) => Boolean(m.assignmentsComplete));
    expect(complete.assignmentsComplete?.apps).toEqual(['web']);
    await expect.poll(async () => (await hub.api().get('/api/v1/clusters/eu-1')).body).toMatchObject({ connected: true, agentVersion: 'test', kubernetesVersion: 'v1.36.3' });
  });

  it('stores acks and status reports, and shows them per app, per cluster and in history', async () => {
    const agent = agents[0] as TestAgent;
    agent.send({ ack: { app: 'web', generation: 1 } });
    agent.send({
      status: {
        reportId: 'report-1',
        app: 'web',
        generation: 1,
        revision: `main@sha1:${commit}`,
        phase: Phase.PHASE_SYNCED,
        health: Health.HEALTH_HEALTHY,
        summary: { created: 1, configured: 0, unchanged: 0, pruned: 0, skipped: 0, failed: 0 },
        changes: [],
        errors: [],
        durationMs: 321,
        inventory: [{ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'settings' }],
        nothingApplied: false,
      },
    });
    await expect
      .poll(async () => (await hub.api().get('/api/v1/apps/web/status')).body.items.find((i: { cluster: string }) => i.cluster === 'eu-1'))
      .toMatchObject({
        desired: { revision: `main@sha1:${commit}`, generation: 1, pinned: false },
        applied: { phase: 'Synced', health: 'Healthy', generation: 1, objects: 1, changes: { created: 1 } },
        inSync: true,
      });
    const byCluster = await hub.api().get('/api/v1/clusters/eu-1/status').expect(200);
    expect(byCluster.body.items).toEqual([expect.objectContaining({ app: 'web', inSync: true })]);
    const history = await hub.api().get('/api/v1/apps/web/history').query({ cluster: 'eu-1' }).expect(200);
    expect(history.body.items).toEqual([expect.objectContaining({ cluster: 'eu-1', revision: `main@sha1:${commit}`, outcome: 'healthy' })]);
  });

  it('stores a report resent after a reconnect only once', async () => {
    const agent = agents[0] as TestAgent;
    const before = (await hub.api().get('/api/v1/apps/web/status')).body.items[0].applied.updatedAt;
    agent.send({
      status: {
        reportId: 'report-1', app: 'web', generation: 1, revision: `main@sha1:${commit}`, phase: Phase.PHASE_SYNCED, health: Health.HEALTH_HEALTHY,
        changes: [], errors: [], durationMs: 999, inventory: [], nothingApplied: false,
      },
    });
    agent.send({ heartbeat: { sequence: 1 } });
    await agent.next((m) => m.heartbeatAck?.sequence === 1);
    const after = (await hub.api().get('/api/v1/apps/web/status')).body.items[0].applied;
    expect(after.updatedAt).toBe(before);
    expect(after.durationMs).toBe(321);
  });

  it('pushes a new generation when the source moves', async () => {
    const agent = agents[0] as TestAgent;
    const checkout = await git.checkout('fleet');
    await checkout.write('web/deployment.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n');
    const next = await checkout.commit('add deployment');
    await checkout.push();
    await hub.api().post('/api/v1/sources/fleet/refresh').expect(200);
    const { assignment } = await agent.next(isAssignment('web', 2));
    expect(assignment?.source?.commit).toBe(next);
    commit = next;
  });

  it('removes the app from a cluster whose labels no longer match', async () => {
    const agent = agents[0] as TestAgent;
    await hub.api().patch('/api/v1/clusters/eu-1').send({ labels: { env: 'staging' } }).expect(200);
    const { unassignment } = await agent.next((m) => m.unassignment?.app === 'web');
    expect(unassignment).toEqual({ app: 'web', generation: 3, prune: true });
    await hub.api().patch('/api/v1/clusters/eu-1').send({ labels: { env: 'prod', region: 'eu' } }).expect(200);
    const { assignment } = await agent.next(isAssignment('web', 4));
    expect(assignment?.source?.commit).toBe(commit);
  });

  it('marks the cluster disconnected when the agent leaves, and gives the same state on reconnect', async () => {
    await (agents[0] as TestAgent).close();
    await expect.poll(async () => (await hub.api().get('/api/v1/clusters/eu-1')).body.connected).toBe(false);
    const again = connect('eu-1');
    const { assignment } = await again.next(isAssignment('web'));
    expect(assignment).toMatchObject({ generation: 4, source: { commit } });
    await again.next((m) => Boolean(m.assignmentsComplete));
    await again.close();
  });

  it('refuses a wrong credential at once', async () => {
    const agent = connect('eu-1', 'flc_not-a-real-credential');
    const status = await agent.ended();
    expect(status.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(status.details).toContain('unknown or revoked cluster credential');
  });

  it('refuses an agent that claims another cluster than its credential', async () => {
    const agent = connect('eu-1', tokens['dev-1']);
    const status = await agent.ended();
    expect(status.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(status.details).toBe('credential belongs to cluster "dev-1", not "eu-1"');
  });

  it('ignores reports from a cluster for an app not assigned to it', async () => {
    const agent = connect('dev-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    agent.send({ status: { reportId: 'x', app: 'web', generation: 4, revision: 'evil', phase: Phase.PHASE_FAILED, health: Health.HEALTH_DEGRADED, changes: [], errors: [], durationMs: 1, inventory: [], nothingApplied: false } });
    agent.send({ heartbeat: { sequence: 7 } });
    await agent.next((m) => m.heartbeatAck?.sequence === 7);
    const status = await hub.api().get('/api/v1/apps/web/status').expect(200);
    expect(status.body.items.map((i: { cluster: string }) => i.cluster)).toEqual(['eu-1', 'us-1']);
    expect((await hub.api().get('/api/v1/clusters/dev-1/status')).body.items).toEqual([]);
    await agent.close();
  });

  it('closes a stream that stops sending heartbeats and marks the cluster disconnected', async () => {
    const agent = connect('us-1', tokens['us-1'], false);
    await agent.next((m) => Boolean(m.assignmentsComplete));
    const status = await agent.ended(5000);
    expect(status.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    await expect.poll(async () => (await hub.api().get('/api/v1/clusters/us-1')).body.connected).toBe(false);
  });

  it('closes the stream of a cluster that is removed', async () => {
    const agent = connect('dev-1');
    await agent.next((m) => Boolean(m.assignmentsComplete));
    await hub.api().delete('/api/v1/clusters/dev-1').expect(204);
    expect((await agent.ended()).code).toBe(grpc.status.PERMISSION_DENIED);
  });
});
