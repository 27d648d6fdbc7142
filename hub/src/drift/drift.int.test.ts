import * as grpc from '@grpc/grpc-js';
import { type AgentMessage, DriftAction, DriftMode, type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { type GitServer, startGitServer } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, TEST_ADMIN_TOKEN, TEST_DATABASES, type TestHub } from '../testing/start-test-hub.js';
import { TestAgent } from '../testing/test-agent.js';

const ref = (kind: string, name: string, group = '', version = 'v1') => ({ group, version, kind, namespace: 'web', name });
const time = (iso: string) => ({ seconds: Math.floor(Date.parse(iso) / 1000), nanos: 0 });

/** A drift report of app `web`, as an agent sends it. */
function driftReport(body: Partial<NonNullable<AgentMessage['drift']>>): AgentMessage {
  return { drift: { app: 'web', generation: 1, objects: [], cleared: [], full: false, ...body } };
}

const editedImage = {
  object: ref('Deployment', 'api', 'apps'),
  deleted: false,
  diffs: [{ path: '/spec/template/spec/containers/0/image', desiredJson: '"api:1"', liveJson: '"api:2"' }],
  manager: 'kubectl-edit',
  changedAt: time('2026-03-01T10:00:00Z'),
  detectedAt: time('2026-03-01T10:00:01Z'),
  action: DriftAction.DRIFT_ACTION_REPORTED,
  corrections: 0,
};
const deletedConfigMap = { ...editedImage, object: ref('ConfigMap', 'settings'), deleted: true, diffs: [], manager: '', changedAt: undefined };

describe.each(TEST_DATABASES)('drift on the hub (%s)', (database) => {
  let git: GitServer;
  let hub: TestHub;
  let eu: TestAgent;
  let us: TestAgent;
  let status: StatusServiceClient;
  const api = () => hub.api();

  beforeAll(async () => {
    git = await startGitServer();
    await git.createRepository('fleet', { 'web/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' });
    hub = await startTestHub(database);
    const tokens: Record<string, string> = {};
    for (const name of ['eu-1', 'us-1']) tokens[name] = (await api().post('/api/v1/clusters').send({ name, labels: { env: 'prod' } }).expect(201)).body.joinToken;
    eu = TestAgent.connect(hub.grpcAddress, await TestAgent.join(hub.grpcAddress, tokens['eu-1'] as string, 'eu-1'), 'eu-1');
    us = TestAgent.connect(hub.grpcAddress, await TestAgent.join(hub.grpcAddress, tokens['us-1'] as string, 'us-1'), 'us-1');
    await api().post('/api/v1/sources').send({ name: 'fleet', url: git.repoUrl('fleet') }).expect(201);
    await api()
      .post('/api/v1/apps')
      .send({
        name: 'web',
        source: 'fleet',
        path: 'web',
        targets: { selector: { matchLabels: { env: 'prod' } } },
        policy: { drift: { mode: 'report', ignore: [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] } },
        policyOverrides: { 'eu-1': { drift: { mode: 'correct', maxCorrections: 3, correctionBackoffMaxSeconds: 30 } } },
      })
      .expect(201);
    status = new StatusServiceClient(hub.grpcAddress, grpc.credentials.createInsecure());
  });
  afterAll(async () => {
    status?.close();
    await eu?.close();
    await us?.close();
    await hub?.stop();
    await git?.stop();
  });

  it('gives each cluster the app policy with its own override merged in', async () => {
    const onEu = (await eu.next((m) => m.assignment?.app === 'web')).assignment;
    const onUs = (await us.next((m) => m.assignment?.app === 'web')).assignment;
    expect(onEu?.policy).toMatchObject({ driftMode: DriftMode.DRIFT_MODE_CORRECT, maxCorrections: 3, correctionBackoffMaxMs: 30_000, driftIgnore: [{ kind: 'Deployment', jsonPointers: ['/spec/replicas'] }] });
    expect(onUs?.policy).toMatchObject({ driftMode: DriftMode.DRIFT_MODE_REPORT, maxCorrections: 0 });
    expect((await api().get('/api/v1/apps/web').expect(200)).body.policyOverrides).toEqual({ 'eu-1': { drift: { mode: 'correct', maxCorrections: 3, correctionBackoffMaxSeconds: 30 } } });
  });

  it('moves only the overridden cluster to a new generation when an override changes', async () => {
    const from = us.received.length;
    await api().patch('/api/v1/apps/web').send({ policyOverrides: { 'eu-1': { drift: { mode: 'off' } } } }).expect(200);
    expect((await eu.next((m) => m.assignment?.generation === 2)).assignment?.policy?.driftMode).toBe(DriftMode.DRIFT_MODE_OFF);
    await api().patch('/api/v1/apps/web').send({ policyOverrides: { 'eu-1': { drift: { mode: 'correct' } } } }).expect(200);
    await eu.next((m) => m.assignment?.generation === 3);
    expect(us.received.slice(from).some((m) => m.assignment)).toBe(false);
  });

  it('refuses overrides that are not drift policies of valid cluster names', async () => {
    const res = await api()
      .patch('/api/v1/apps/web')
      .send({ policyOverrides: { 'Not_A_Cluster': {}, 'eu-1': { prune: false }, 'us-1': { drift: { mode: 'sometimes' } } } })
      .expect(400);
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['policyOverrides.Not_A_Cluster', 'policyOverrides.eu-1', 'policyOverrides.us-1.drift.mode']);
  });

  it('stores reported drift per cluster and app, and lists it filtered and page by page', async () => {
    eu.send(driftReport({ objects: [editedImage, deletedConfigMap], full: true }));
    us.send(driftReport({ objects: [editedImage] }));
    await expect.poll(async () => (await api().get('/api/v1/drift').expect(200)).body.items.length).toBe(3);
    const onEu = await api().get('/api/v1/drift').query({ cluster: 'eu-1', app: 'web' }).expect(200);
    expect(onEu.body.items).toEqual([
      expect.objectContaining({ cluster: 'eu-1', app: 'web', object: expect.objectContaining({ kind: 'ConfigMap', id: 'ConfigMap/web/settings' }), deleted: true, changedAt: null }),
      {
        cluster: 'eu-1',
        app: 'web',
        object: { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api', id: 'Deployment/web/api' },
        deleted: false,
        diffs: [{ path: '/spec/template/spec/containers/0/image', desired: 'api:1', live: 'api:2' }],
        manager: 'kubectl-edit',
        changedAt: '2026-03-01T10:00:00.000Z',
        detectedAt: '2026-03-01T10:00:01.000Z',
        action: 'reported',
        corrections: 0,
        generation: 1,
        updatedAt: expect.any(String),
      },
    ]);
    expect((await api().get('/api/v1/drift').query({ kind: 'Deployment' }).expect(200)).body.items.map((i: { cluster: string }) => i.cluster)).toEqual(['eu-1', 'us-1']);
    const first = await api().get('/api/v1/drift').query({ limit: 2 }).expect(200);
    const second = await api().get('/api/v1/drift').query({ limit: 2, continue: first.body.continue }).expect(200);
    expect([...first.body.items, ...second.body.items].map((i: { cluster: string; object: { kind: string } }) => `${i.cluster}/${i.object.kind}`)).toEqual([
      'eu-1/ConfigMap',
      'eu-1/Deployment',
      'us-1/Deployment',
    ]);
    expect(second.body.continue).toBeUndefined();
  });

  it('counts drifted objects in app and cluster status, and in a gauge', async () => {
    const app = (await api().get('/api/v1/apps/web/status').expect(200)).body;
    expect(app.driftedObjects).toBe(3);
    expect(app.items.map((i: { cluster: string; driftedObjects: number }) => [i.cluster, i.driftedObjects])).toEqual([['eu-1', 2], ['us-1', 1]]);
    expect((await api().get('/api/v1/clusters/eu-1/status').expect(200)).body).toMatchObject({ driftedObjects: 2, items: [{ app: 'web', driftedObjects: 2 }] });
    const metrics = await api().get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toContain('flotilla_drifted_objects{cluster="eu-1",app="web"} 2');
    expect(metrics.text).toContain('flotilla_drifted_objects{cluster="us-1",app="web"} 1');
  });

  it('streams drift found and cleared, and drift counts in status snapshots', async () => {
    const events: StatusEvent[] = [];
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
    const call = status.watch({ clusters: ['eu-1'], apps: [], resumeFrom: '', skipSnapshot: false }, metadata);
    call.on('data', (event: StatusEvent) => events.push(event));
    call.on('error', () => undefined);
    await expect.poll(() => events.some((e) => e.snapshotComplete)).toBe(true);
    expect(events.find((e) => e.statusSnapshot)?.statusSnapshot).toMatchObject({ app: 'web', cluster: 'eu-1', driftedObjects: 2 });

    const corrected = { ...editedImage, action: DriftAction.DRIFT_ACTION_CORRECTED, corrections: 1 };
    eu.send(driftReport({ objects: [corrected], cleared: [ref('ConfigMap', 'settings')] }));
    await expect.poll(() => events.find((e) => e.drift)?.drift, { timeout: 5_000 }).toMatchObject({
      app: 'web',
      cluster: 'eu-1',
      objects: [{ object: { kind: 'Deployment', name: 'api' }, action: 'DRIFT_ACTION_CORRECTED', corrections: 1, manager: 'kubectl-edit', diffs: [{ path: '/spec/template/spec/containers/0/image', desiredJson: '"api:1"', liveJson: '"api:2"' }] }],
      cleared: [{ kind: 'ConfigMap', name: 'settings' }],
    });
    // A full report without the Deployment clears it; the same report again changes nothing and says nothing.
    eu.send(driftReport({ full: true }));
    eu.send(driftReport({ full: true }));
    await expect.poll(() => events.filter((e) => e.drift).length).toBe(2);
    expect(events.filter((e) => e.drift).at(-1)?.drift).toMatchObject({ objects: [], cleared: [{ kind: 'Deployment', name: 'api' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.filter((e) => e.drift)).toHaveLength(2);
    expect(events.some((e) => e.drift?.cluster === 'us-1')).toBe(false);
    call.cancel();
    expect((await api().get('/api/v1/drift').query({ cluster: 'eu-1' }).expect(200)).body.items).toEqual([]);
    const audit = await api().get('/api/v1/audit').query({ action: 'drift.correct' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: 'agent:eu-1', target: 'app/web', details: { object: 'Deployment/web/api', manager: 'kubectl-edit', corrections: 1 } });
  });

  it('ignores drift of apps a cluster does not run, and forgets drift of an app that leaves a cluster', async () => {
    eu.send({ drift: { app: 'nothing', generation: 1, objects: [editedImage], cleared: [], full: false } });
    await api().patch('/api/v1/apps/web').send({ targets: { clusters: ['eu-1'] } }).expect(200);
    await expect.poll(async () => (await api().get('/api/v1/drift').expect(200)).body.items).toEqual([]);
    expect((await api().get('/metrics').expect(200)).text).not.toContain('flotilla_drifted_objects{');
  });
});
