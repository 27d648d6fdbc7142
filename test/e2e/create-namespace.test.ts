import { runCli } from '@flotilla/cli';
import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLEET_ADMIN_TOKEN, type Fleet, startFleet } from './fleet.js';
import { capture } from './support/capture.js';

const files = {
  'shop/configmap.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  currency: EUR\n',
};

describe('an app that creates its namespace (policy createNamespace, flotilla apps create --create-namespace)', () => {
  let fleet: Fleet;
  let kube: KubeClient;

  const read = (path: string) => kube.request<{ metadata: { labels?: Record<string, string>; deletionTimestamp?: string } }>({ method: 'GET', path });

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as (typeof fleet.planes)[string]).kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.startAgent('eu-1');
  });
  afterAll(async () => {
    kube?.close();
    await fleet?.stop();
  });

  it('is created on the cluster, labelled as Flotilla’s, before the objects that go in it, and stays when the app goes', async () => {
    await expect(read('/api/v1/namespaces/shop')).rejects.toThrow();
    const out = capture();
    const env = { FLOTILLA_HUB_URL: fleet.hub.httpUrl, FLOTILLA_API_TOKEN: FLEET_ADMIN_TOKEN };
    const created = await runCli(['apps', 'create', 'shop', '--source', 'fleet', '--path', 'shop', '--cluster', 'eu-1', '--namespace', 'shop', '--create-namespace', '--wait'], {
      env,
      stdout: out.stream,
      stderr: out.stream,
    });
    expect(created, out.text).toBe(0);
    expect((await fleet.api().get('/api/v1/apps/shop').expect(200)).body.policy).toMatchObject({ createNamespace: true });
    expect((await read('/api/v1/namespaces/shop')).metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'flotilla', 'flotilla.dev/app': 'shop' });
    expect(await read('/api/v1/namespaces/shop/configmaps/settings')).toBeDefined();
    const history = (await fleet.api().get('/api/v1/apps/shop/history').expect(200)).body.items;
    expect(history[0]).toMatchObject({ cluster: 'eu-1', outcome: 'healthy', changes: { created: 2 } });

    // The app's own objects are pruned with it; the namespace is not one of them.
    await fleet.api().delete('/api/v1/apps/shop').expect(204);
    await expect.poll(() => read('/api/v1/namespaces/shop/configmaps/settings').then(() => 'there', () => 'gone'), { timeout: 20_000 }).toBe('gone');
    expect((await read('/api/v1/namespaces/shop')).metadata.deletionTimestamp).toBeUndefined();
  });

  it('is off by default: an app whose namespace is missing fails its dry-run, naming the object', async () => {
    await fleet.api().post('/api/v1/apps').send({ name: 'lost', source: 'fleet', path: 'shop', namespace: 'nowhere', targets: { clusters: ['eu-1'] } }).expect(201);
    expect((await fleet.api().get('/api/v1/apps/lost').expect(200)).body.policy.createNamespace).toBe(false);
    await expect
      .poll(async () => (await fleet.api().get('/api/v1/apps/lost/status').expect(200)).body.items[0]?.applied, { timeout: 20_000 })
      .toMatchObject({ phase: 'Failed', errors: [{ message: expect.stringContaining('ConfigMap/nowhere/settings') }] });
    await expect(read('/api/v1/namespaces/nowhere')).rejects.toThrow();
  });
});
