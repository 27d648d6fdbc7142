import * as grpc from '@grpc/grpc-js';
import { KubeClient } from '@flotilla/kube';
import { type StatusEvent, StatusServiceClient } from '@flotilla/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_ADMIN_TOKEN, FLEET_DATABASES, type Fleet, startFleet } from './fleet.js';

const files = {
  'web/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello\n  tuned: "1"\n',
  'web/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  selector:',
    '    matchLabels: { app: api }',
    '  template:',
    '    metadata:',
    '      labels: { app: api }',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: registry.example/api:1.0',
    '',
  ].join('\n'),
};

interface DriftItem {
  cluster: string;
  object: { kind: string; name: string };
  deleted: boolean;
  diffs: Array<{ path: string; desired?: unknown; live?: unknown }>;
  manager: string;
  action: string;
}

describe.each(FLEET_DATABASES)('drift across hub and agents on real clusters, the hub on %s', (database) => {
  let fleet: Fleet;
  let status: StatusServiceClient;
  const kube: Record<string, KubeClient> = {};
  const events: Array<StatusEvent & { at: number }> = [];

  const drift = async (cluster: string): Promise<DriftItem[]> => (await fleet.api().get('/api/v1/drift').query({ cluster, app: 'web' }).expect(200)).body.items;
  const editSettings = async (cluster: string, data: Record<string, string>, fieldManager = 'kubectl-edit') => {
    const at = Date.now();
    await (kube[cluster] as KubeClient).request({
      method: 'PATCH',
      path: '/api/v1/namespaces/web/configmaps/settings',
      body: { data },
      contentType: 'application/merge-patch+json',
      query: { fieldManager },
    });
    return at;
  };
  const settings = async (cluster: string) =>
    (await (kube[cluster] as KubeClient).request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).data;
  /** The first drift event after `since` for a cluster that matches. */
  const driftEvent = async (cluster: string, since: number, match: (e: NonNullable<StatusEvent['drift']>) => boolean) => {
    let found: (StatusEvent & { at: number }) | undefined;
    await expect
      .poll(() => (found = events.find((e) => e.at >= since && e.drift?.cluster === cluster && match(e.drift))), { timeout: 10_000, interval: 5 })
      .toBeDefined();
    return found as StatusEvent & { at: number; drift: NonNullable<StatusEvent['drift']> };
  };

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' }, 'us-1': { env: 'prod' } }, files, database });
    for (const [name, plane] of Object.entries(fleet.planes)) kube[name] = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({
        name: 'web',
        source: 'fleet',
        path: 'web',
        namespace: 'web',
        targets: { selector: { matchLabels: { env: 'prod' } } },
        policy: { drift: { mode: 'report', ignore: [{ kind: 'ConfigMap', name: 'settings', jsonPointers: ['/data/tuned'] }] } },
        policyOverrides: { 'eu-1': { drift: { mode: 'correct' } } },
      })
      .expect(201);
    // The namespace comes from outside the app, as a platform team would provide it.
    for (const client of Object.values(kube)) await client.request({ method: 'POST', path: '/api/v1/namespaces', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } } });
    await Promise.all([fleet.startAgent('eu-1'), fleet.startAgent('us-1')]);
    status = new StatusServiceClient(fleet.grpcAddress, grpc.credentials.createSsl(Buffer.from(fleet.certificates.ca.cert)));
    const metadata = new grpc.Metadata();
    metadata.set('authorization', `Bearer ${FLEET_ADMIN_TOKEN}`);
    const call = status.watch({ clusters: [], apps: ['web'], resumeFrom: '', skipSnapshot: true }, metadata);
    call.on('data', (event: StatusEvent) => events.push({ ...event, at: Date.now() }));
    call.on('error', () => undefined);
    // (expect.poll is for tests, not hooks.)
    for (const deadline = Date.now() + 30_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
      const items: Array<{ applied?: { phase: string } }> = (await fleet.api().get('/api/v1/apps/web/status')).body.items ?? [];
      if (items.length === 2 && items.every((i) => i.applied?.phase === 'Synced')) break;
    }
  });
  afterAll(async () => {
    status?.close();
    for (const client of Object.values(kube)) client.close();
    await fleet?.stop();
  });

  it('tells the hub of an edit by another field manager within a second, in report mode, and changes nothing', async () => {
    const editedAt = await editSettings('us-1', { greeting: 'hacked' });
    const event = await driftEvent('us-1', editedAt, (d) => d.objects.length > 0);
    expect(event.at - editedAt).toBeLessThan(1_000);
    expect(event.drift.objects[0]).toMatchObject({
      object: { kind: 'ConfigMap', namespace: 'web', name: 'settings' },
      diffs: [{ path: '/data/greeting', desiredJson: '"hello"', liveJson: '"hacked"' }],
      manager: 'kubectl-edit',
      action: 'DRIFT_ACTION_REPORTED',
    });
    expect(await drift('us-1')).toMatchObject([{ object: { kind: 'ConfigMap', name: 'settings' }, diffs: [{ path: '/data/greeting', desired: 'hello', live: 'hacked' }], manager: 'kubectl-edit', action: 'reported' }]);
    const appStatus = (await fleet.api().get('/api/v1/apps/web/status').expect(200)).body;
    expect(appStatus.items.map((i: { cluster: string; driftedObjects: number }) => [i.cluster, i.driftedObjects])).toEqual([['eu-1', 0], ['us-1', 1]]);
    expect((await fleet.api().get('/metrics').expect(200)).text).toContain('flotilla_drifted_objects{cluster="us-1",app="web"} 1');
    expect((await settings('us-1')).greeting).toBe('hacked');
  });

  it('corrects the same edit on the cluster whose override says correct, and reports the correction and the match', async () => {
    const editedAt = await editSettings('eu-1', { greeting: 'hacked' });
    const corrected = await driftEvent('eu-1', editedAt, (d) => d.objects.some((o) => o.action === 'DRIFT_ACTION_CORRECTED'));
    expect(corrected.drift.objects[0]).toMatchObject({ manager: 'kubectl-edit', corrections: 1, diffs: [{ path: '/data/greeting' }] });
    await driftEvent('eu-1', editedAt, (d) => d.cleared.some((ref) => ref.name === 'settings'));
    expect((await settings('eu-1')).greeting).toBe('hello');
    expect(await drift('eu-1')).toEqual([]);
    const audit = await fleet.api().get('/api/v1/audit').query({ action: 'drift.correct', target: 'app/web' }).expect(200);
    expect(audit.body.items[0]).toMatchObject({ actor: 'agent:eu-1', details: { cluster: 'eu-1', object: 'ConfigMap/web/settings' } });
  });

  it('recreates a deleted object where drift is corrected, and reports it deleted where it is not', async () => {
    const deletedAt = Date.now();
    for (const client of Object.values(kube)) await client.request({ method: 'DELETE', path: '/apis/apps/v1/namespaces/web/deployments/api' });
    await driftEvent('eu-1', deletedAt, (d) => d.objects.some((o) => o.deleted && o.action === 'DRIFT_ACTION_CORRECTED'));
    await expect.poll(() => (kube['eu-1'] as KubeClient).request({ method: 'GET', path: '/apis/apps/v1/namespaces/web/deployments/api' }).then(() => true, () => false)).toBe(true);
    await expect.poll(async () => (await drift('us-1')).find((d) => d.object.kind === 'Deployment')).toMatchObject({ deleted: true, action: 'reported' });
  });

  it('neither reports nor reverts an ignored field', async () => {
    const editedAt = await editSettings('eu-1', { tuned: '42' });
    // A drift after it, to know the ignored change has been seen.
    await editSettings('eu-1', { greeting: 'again' });
    await driftEvent('eu-1', editedAt, (d) => d.cleared.some((ref) => ref.name === 'settings'));
    expect(await settings('eu-1')).toEqual({ greeting: 'hello', tuned: '42' });
    const paths = events.filter((e) => e.at >= editedAt).flatMap((e) => e.drift?.objects.flatMap((o) => o.diffs.map((d) => d.path)) ?? []);
    expect(paths).not.toContain('/data/tuned');
  });

  it('finds what changed while the agent was stopped as soon as it starts', async () => {
    await fleet.stopAgent('eu-1');
    await editSettings('eu-1', { greeting: 'while-away' }, 'night-shift');
    const startedAt = Date.now();
    await fleet.startAgent('eu-1');
    const found = await driftEvent('eu-1', startedAt, (d) => d.objects.some((o) => o.object?.name === 'settings'));
    expect(found.drift.objects.find((o) => o.object?.name === 'settings')).toMatchObject({ manager: 'night-shift', diffs: [{ path: '/data/greeting', liveJson: '"while-away"' }] });
    // eu-1 corrects: the restart did not re-apply the generation behind drift's back, the drift policy did.
    await driftEvent('eu-1', startedAt, (d) => d.objects.some((o) => o.object?.name === 'settings' && o.action === 'DRIFT_ACTION_CORRECTED'));
    await driftEvent('eu-1', startedAt, (d) => d.cleared.some((ref) => ref.name === 'settings'));
    expect((await settings('eu-1')).greeting).toBe('hello');
  });

  it('does not take its own apply of a new revision for drift, and clears what the new revision settles', async () => {
    const pushedAt = Date.now();
    const checkout = await fleet.git.checkout('fleet');
    await checkout.write('web/configmap.yaml', files['web/configmap.yaml'].replace('greeting: hello', 'greeting: hola'));
    await checkout.commit('reword');
    await checkout.push();
    await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
    for (const cluster of ['eu-1', 'us-1']) {
      await expect.poll(async () => (await settings(cluster)).greeting, { timeout: 30_000 }).toBe('hola');
    }
    // us-1 reported its edit and the deleted Deployment; the new revision is applied over them, so they clear.
    await expect.poll(() => drift('us-1'), { timeout: 10_000 }).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events.filter((e) => e.at >= pushedAt && (e.drift?.objects.length ?? 0) > 0)).toEqual([]);
  });
});
