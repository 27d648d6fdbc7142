import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStatusOn, type Fleet, startFleet } from './fleet.js';

const files = {
  'web/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: web\n',
  'web/configmap.yaml': [
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: settings',
    'data:',
    '  greeting: hello from ${cluster.name}',
    '  region: ${cluster.labels.region}',
    '',
  ].join('\n'),
  'web/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  replicas: ${replicas}',
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
  'web/crd.yaml': [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: widgets.example.com',
    'spec:',
    '  group: example.com',
    '  scope: Namespaced',
    '  names: { plural: widgets, singular: widget, kind: Widget, listKind: WidgetList }',
    '  versions:',
    '    - name: v1',
    '      served: true',
    '      storage: true',
    '      schema:',
    '        openAPIV3Schema:',
    '          type: object',
    '          properties:',
    '            spec:',
    '              type: object',
    '              properties:',
    '                size: { type: integer }',
    '',
  ].join('\n'),
  'web/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: gadget\nspec:\n  size: 3\n',
};

/** The parts of live objects these tests read. */
interface LiveObject {
  metadata: { generation?: number };
  spec?: { replicas?: number; size?: number };
  status?: Record<string, unknown>;
  data?: Record<string, string>;
}

type Status = { applied?: { phase: string; health: string; generation: number; changes: Record<string, number>; errors: Array<Record<string, unknown>> } };

describe('agent applying revisions to real clusters', () => {
  let fleet: Fleet;
  const kube: Record<string, KubeClient> = {};

  const push = async (change: (checkout: Awaited<ReturnType<Fleet['git']['checkout']>>) => Promise<void>, message: string): Promise<string> => {
    const checkout = await fleet.git.checkout('fleet');
    await change(checkout);
    const commit = await checkout.commit(message);
    await checkout.push();
    await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
    return commit;
  };
  const statusOn = async (cluster: string) => (await appStatusOn(fleet, 'web', cluster)) as Status | undefined;
  const settled = async (cluster: string, generation: number, health?: string) => {
    await expect
      .poll(async () => {
        const status = await statusOn(cluster);
        return status?.applied?.generation === generation && (health === undefined || status.applied.health === health) ? status.applied : undefined;
      }, { timeout: 30_000, interval: 200 })
      .toBeDefined();
    return (await statusOn(cluster))?.applied as NonNullable<Status['applied']>;
  };
  const get = (cluster: string, path: string) => (kube[cluster] as KubeClient).request<LiveObject>({ method: 'GET', path });

  beforeAll(async () => {
    // The clusters run workloads, so the Deployment's health is its controller's report on real (simulated) Pods.
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod', region: 'eu' }, 'us-1': { env: 'prod', region: 'us' } }, files, workloads: true });
    for (const [name, plane] of Object.entries(fleet.planes)) kube[name] = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({ name: 'web', source: 'fleet', path: 'web', namespace: 'web', targets: { selector: { matchLabels: { env: 'prod' } } }, variables: { replicas: '2' }, policy: { health: { timeoutSeconds: 60 } } })
      .expect(201);
    await Promise.all([fleet.startAgent('eu-1'), fleet.startAgent('us-1')]);
  });
  afterAll(async () => {
    for (const client of Object.values(kube)) client.close();
    await fleet?.stop();
  });

  it('applies a revision with a Namespace, ConfigMap, Deployment, CRD and a custom resource', async () => {
    const applied = await settled('eu-1', 1);
    expect(applied.phase).toBe('Synced');
    expect(applied.changes).toMatchObject({ created: 5, failed: 0 });
    expect((await get('eu-1', '/apis/example.com/v1/namespaces/web/widgets/gadget')).spec).toEqual({ size: 3 });
    expect((await get('eu-1', '/apis/apps/v1/namespaces/web/deployments/api')).spec?.replicas).toBe(2);
    const inventory = await get('eu-1', '/api/v1/namespaces/flotilla-system/configmaps/flotilla-inventory-web');
    expect(inventory.data?.revision).toMatch(/^main@sha1:[0-9a-f]{40}$/);
  });

  it('gives two clusters different substitutions of the same app', async () => {
    await settled('us-1', 1);
    expect((await get('eu-1', '/api/v1/namespaces/web/configmaps/settings')).data).toEqual({ greeting: 'hello from eu-1', region: 'eu' });
    expect((await get('us-1', '/api/v1/namespaces/web/configmaps/settings')).data).toEqual({ greeting: 'hello from us-1', region: 'us' });
  });

  it('reports the Deployment healthy once its controller has its Pods Running and Ready', async () => {
    expect((await settled('eu-1', 1, 'Healthy')).phase).toBe('Synced');
    const deployment = await get('eu-1', '/apis/apps/v1/namespaces/web/deployments/api');
    expect(deployment.status).toMatchObject({ observedGeneration: deployment.metadata.generation, updatedReplicas: 2, availableReplicas: 2 });
    const pods = await (kube['eu-1'] as KubeClient).request<{ items: Array<{ status: { phase: string } }> }>({ method: 'GET', path: '/api/v1/namespaces/web/pods', query: { labelSelector: 'app=api' } });
    expect(pods.items.map((pod) => pod.status.phase)).toEqual(['Running', 'Running']);
    const history = await fleet.api().get('/api/v1/apps/web/history').query({ cluster: 'eu-1' }).expect(200);
    expect(history.body.items[0]).toMatchObject({ outcome: 'healthy', generation: 1 });
  });

  it('reports a pushed change as configured and the rest as unchanged', async () => {
    await push((c) => c.write('web/configmap.yaml', files['web/configmap.yaml'].replace('hello from', 'welcome to')), 'reword greeting');
    const applied = await settled('eu-1', 2);
    expect(applied.changes).toMatchObject({ configured: 1, unchanged: 4, created: 0 });
    expect((await get('eu-1', '/api/v1/namespaces/web/configmaps/settings')).data?.greeting).toBe('welcome to eu-1');
  });

  it('prunes an object whose file was deleted', async () => {
    await push((c) => c.remove('web/widget.yaml'), 'drop the widget');
    const applied = await settled('eu-1', 3);
    expect(applied.changes).toMatchObject({ pruned: 1 });
    await expect(get('eu-1', '/apis/example.com/v1/namespaces/web/widgets/gadget')).rejects.toThrow(/not found|404/i);
  });

  it('applies nothing of a revision with broken YAML and names the file and line', async () => {
    const commit = await push(async (c) => {
      await c.write('web/configmap.yaml', files['web/configmap.yaml'].replace('hello from', 'broken revision of'));
      await c.write('web/broken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  key: [unclosed\n');
    }, 'break the yaml');
    // It fails to render on the hub: no generation, nothing reaches an agent, and the App says where the YAML breaks.
    await expect.poll(async () => (await fleet.api().get('/api/v1/apps/web').expect(200)).body.renderStatus?.revision, { timeout: 30_000, interval: 200 }).toBe(`main@sha1:${commit}`);
    const { renderStatus } = (await fleet.api().get('/api/v1/apps/web').expect(200)).body;
    expect(renderStatus).toMatchObject({ state: 'RenderFailed', file: 'web/broken.yaml', clusters: ['eu-1', 'us-1'] });
    expect(renderStatus.message).toMatch(/web\/broken\.yaml:[1-9]\d*/);
    for (const cluster of ['eu-1', 'us-1']) expect(((await statusOn(cluster)) as { desired?: { generation: number } }).desired?.generation).toBe(3);
    expect((await statusOn('eu-1'))?.applied).toMatchObject({ generation: 3, phase: 'Synced' });
    expect((await get('eu-1', '/api/v1/namespaces/web/configmaps/settings')).data?.greeting).toBe('welcome to eu-1');
    await expect(get('eu-1', '/api/v1/namespaces/web/configmaps/broken')).rejects.toThrow(/not found|404/i);
  });

  it('applies nothing of a revision the API server rejects in its dry-run', async () => {
    await push(async (c) => {
      await c.remove('web/broken.yaml');
      await c.write('web/configmap.yaml', files['web/configmap.yaml'].replace('hello from', 'rejected revision of'));
      await c.write('web/bad-deployment.yaml', files['web/deployment.yaml'].replace('name: api\nspec:', 'name: bad\nspec:').replace('labels: { app: api }', 'labels: { app: other }'));
    }, 'a deployment whose selector does not match its template');
    const applied = await settled('eu-1', 4);
    expect(applied.phase).toBe('Failed');
    expect(applied.errors[0]).toMatchObject({ code: 'DRY_RUN_FAILED' });
    expect(String(applied.errors[0]?.message)).toContain('Deployment/web/bad');
    expect((await get('eu-1', '/api/v1/namespaces/web/configmaps/settings')).data?.greeting).toBe('welcome to eu-1');
    await expect(get('eu-1', '/apis/apps/v1/namespaces/web/deployments/bad')).rejects.toThrow(/not found|404/i);
  });

  it('recovers with the next good revision', async () => {
    await push((c) => c.remove('web/bad-deployment.yaml'), 'remove the bad deployment');
    const applied = await settled('eu-1', 5);
    expect(applied.phase).toBe('Synced');
    expect((await get('eu-1', '/api/v1/namespaces/web/configmaps/settings')).data?.greeting).toBe('rejected revision of eu-1');
  });

  it('deletes a Namespace removed from Git, and what ran in it', async () => {
    const scratch = files['web/deployment.yaml'].replace('name: api\n', 'name: api\n  namespace: scratch\n').replace('${replicas}', '1');
    await push(async (c) => {
      await c.write('web/scratch-namespace.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scratch\n');
      await c.write('web/scratch-deployment.yaml', scratch);
    }, 'a scratch namespace with a workload');
    expect((await settled('eu-1', 6, 'Healthy')).phase).toBe('Synced');
    expect((await get('eu-1', '/apis/apps/v1/namespaces/scratch/deployments/api')).status).toMatchObject({ availableReplicas: 1 });

    await push(async (c) => {
      await c.remove('web/scratch-namespace.yaml');
      await c.remove('web/scratch-deployment.yaml');
    }, 'drop the scratch namespace');
    expect((await settled('eu-1', 7)).changes).toMatchObject({ pruned: 2 });
    // The namespace controller empties it (the Pods go too) and then it is gone: no Namespace stuck Terminating.
    await expect.poll(() => get('eu-1', '/api/v1/namespaces/scratch').then(() => 'present', (error: unknown) => String(error)), { timeout: 60_000, interval: 500 }).toMatch(/not found|404/i);
    await expect(get('eu-1', '/api/v1/namespaces/web')).resolves.toBeDefined();
  });
});
