import { isApplyNoop, isUnchanged, objectRefOf, type KubeObject } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLY_PATCH } from './kube-client.js';
import { ResourceManager } from './resource-manager.js';
import { configMap, deployment, namespace, uniqueName } from './testing/fixtures.js';
import { RequestLog } from './testing/request-log.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

/** Objects of the kinds most revisions hold, each with lists of every kind (keyed, set-like, atomic). */
function corpus(ns: string): KubeObject[] {
  return [
    configMap(ns, 'settings', { color: 'blue', size: 'large' }),
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: ns }, type: 'Opaque', data: { token: 'c2VjcmV0' } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: ns, labels: { team: 'core' } } },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: ns },
      spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'admin', port: 9090 }] },
    },
    webDeployment(ns, 'web'),
    webDeployment(ns, 'worker'),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'reader', namespace: ns },
      rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];
}

/** A Deployment of two containers with env, ports, arguments and limits, a finalizer and an emptyDir volume. */
function webDeployment(ns: string, name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels: { app: 'web' }, annotations: { owner: 'team-core' }, finalizers: ['example.com/keep'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'registry.example/web:1',
              args: ['--port=8080', '--verbose'],
              env: [{ name: 'MODE', value: 'prod' }, { name: 'LEVEL', value: 'info' }],
              ports: [{ containerPort: 8080, protocol: 'TCP' }],
              resources: { limits: { memory: '128Mi' } },
            },
            { name: 'sidecar', image: 'registry.example/side:1' },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

type Edit = { name: string; edit: (object: KubeObject) => boolean };
type Mutable = Record<string, unknown> & { spec?: Record<string, unknown>; data?: Record<string, string> };

/** Ways a revision can differ from what was applied; `edit` returns false when it does not fit the object. */
const edits: Edit[] = [
  { name: 'the same', edit: () => true },
  { name: 'a label added', edit: (o) => ((o.metadata.labels = { ...o.metadata.labels, extra: 'x' }), true) },
  { name: 'labels removed', edit: (o) => (o.metadata.labels ? (delete o.metadata.labels, true) : false) },
  { name: 'a data key changed', edit: (o) => (o.kind === 'ConfigMap' ? (((o as Mutable).data as Record<string, string>)['color'] = 'red', true) : false) },
  { name: 'replicas changed', edit: (o) => (o.kind === 'Deployment' ? (((o as Mutable).spec as Record<string, unknown>)['replicas'] = 3, true) : false) },
  {
    name: 'keyed list items reordered',
    edit: (o) => {
      const spec = (o as Mutable).spec as { ports?: unknown[]; template?: { spec: { containers: unknown[] } } } | undefined;
      if (spec?.ports) spec.ports.reverse();
      else if (spec?.template) spec.template.spec.containers.reverse();
      else return false;
      return true;
    },
  },
  {
    name: 'a keyed list item removed',
    edit: (o) => {
      const spec = (o as Mutable).spec as { ports?: unknown[]; template?: { spec: { containers: unknown[] } } } | undefined;
      if (spec?.ports) spec.ports.pop();
      else if (spec?.template) spec.template.spec.containers.pop();
      else return false;
      return true;
    },
  },
  {
    name: 'an atomic list changed',
    edit: (o) => {
      const rules = (o as { rules?: Array<{ verbs: string[] }> }).rules;
      if (rules?.[0]) rules[0].verbs = ['get'];
      else if (o.kind === 'Deployment') ((o as Mutable).spec as { template: { spec: { containers: Array<{ args?: string[] }> } } }).template.spec.containers[0]!.args = ['--port=8080'];
      else return false;
      return true;
    },
  },
  { name: 'a quantity written differently', edit: (o) => (o.kind === 'Deployment' ? ((((o as Mutable).spec as { template: { spec: { containers: Array<{ resources: unknown }> } } }).template.spec.containers[0]!.resources = { limits: { memory: '0.125Gi' } }), true) : false) },
];

describe('ResourceManager.apply of objects that did not change', () => {
  let plane: ControlPlane;
  let manager: ResourceManager;

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-apply-noop', k8sCacheDir });
    manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
  });

  afterAll(async () => {
    manager?.close();
    await plane?.stop();
  });

  it('agrees with the server: an object it finds unchanged without a dry-run is unchanged by the dry-run too', async () => {
    const ns = uniqueName('noop');
    await manager.apply([namespace(ns), ...corpus(ns)]);
    // Another manager takes one field of the Deployment and sets another: both are drift the next apply must see.
    const other = new ResourceManager({ kubeConfig: plane.kubeConfig(), fieldManager: 'kubectl-edit' });
    await other.client.request({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/web`,
      query: { fieldManager: 'kubectl-edit', force: 'true' },
      body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns, annotations: { owner: 'someone-else' } } },
      contentType: APPLY_PATCH,
    });
    other.close();

    const verdicts: string[] = [];
    for (const original of corpus(ns)) {
      const live = await manager.get(objectRefOf(original));
      expect(live).toBeDefined();
      for (const { name, edit } of edits) {
        const desired = structuredClone(original);
        if (!edit(desired)) continue;
        const local = isApplyNoop(desired, live as KubeObject, manager.fieldManager);
        const diff = await manager.diff(desired);
        const server = isUnchanged(diff.dryRun as KubeObject, diff.live as KubeObject);
        // Sound: never "certainly unchanged" where the server would change the object.
        if (local) expect({ object: original.kind, edit: name, server }).toEqual({ object: original.kind, edit: name, server: true });
        verdicts.push(`${original.kind} ${name}: ${local ? 'no-op' : server ? 'dry-run, unchanged' : 'changed'}`);
      }
    }
    // Useful: every object applied as it was is recognised without a dry-run, but the Deployment whose annotation
    // another manager took over.
    expect(verdicts.filter((v) => v.endsWith('the same: no-op')).map((v) => v.split(' ')[0])).toEqual([
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'Service',
      'Deployment',
      'Role',
      'NetworkPolicy',
    ]);
    expect(verdicts).toContain('Deployment the same: changed');
  });

  it('re-applies a revision of many objects with one read per kind and namespace, no dry-run and no write', async () => {
    const ns = uniqueName('many');
    const objects = [
      namespace(ns),
      ...Array.from({ length: 40 }, (_, i) => configMap(ns, `config-${i}`, { index: String(i) })),
      ...Array.from({ length: 10 }, (_, i) => deployment(ns, `web-${i}`)),
      configMap('default', uniqueName('single')),
    ];
    await manager.apply(objects);

    const log = new RequestLog();
    const logged = new ResourceManager({ kubeConfig: plane.kubeConfig(), hooks: [log], discovery: manager.discovery });
    const { entries } = await logged.apply(objects);
    logged.close();

    expect(entries.every((entry) => entry.action === 'unchanged')).toBe(true);
    expect(log.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
    // One LIST of ConfigMaps and one of Deployments in the namespace; a GET for the Namespace and the lone ConfigMap.
    expect(log.requests.map((r) => `${r.method} ${r.url.pathname}`).sort()).toEqual(
      [
        `GET /api/v1/namespaces/${ns}`,
        `GET /api/v1/namespaces/${ns}/configmaps`,
        `GET /apis/apps/v1/namespaces/${ns}/deployments`,
        `GET /api/v1/namespaces/default/configmaps/${objects.at(-1)?.metadata.name}`,
      ].sort(),
    );
  });

  it('dry-runs and applies only the object that changed, and sees an edit made by someone else', async () => {
    const ns = uniqueName('change');
    const objects = [namespace(ns), ...Array.from({ length: 10 }, (_, i) => configMap(ns, `config-${i}`, { index: String(i) }))];
    await manager.apply(objects);
    await manager.client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${ns}/configmaps/config-3`,
      query: { fieldManager: 'kubectl-edit' },
      body: { data: { index: 'edited' } },
      contentType: 'application/merge-patch+json',
    });
    const changed = objects.map((o) => (o.metadata.name === 'config-7' ? configMap(ns, 'config-7', { index: 'seven' }) : o));

    const log = new RequestLog();
    const logged = new ResourceManager({ kubeConfig: plane.kubeConfig(), hooks: [log], discovery: manager.discovery });
    const { entries } = await logged.apply(changed);
    logged.close();

    const written = entries.filter((entry) => entry.action !== 'unchanged').map((entry) => `${entry.ref.name} ${entry.action}`);
    expect(written.sort()).toEqual(['config-3 configured', 'config-7 configured']);
    const patches = log.requests.filter((r) => r.method === 'PATCH').map((r) => `${r.url.pathname.split('/').at(-1)} ${r.url.searchParams.get('dryRun') ?? 'apply'}`);
    expect(patches.sort()).toEqual(['config-3 All', 'config-3 apply', 'config-7 All', 'config-7 apply']);
    const live = await manager.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'config-3' });
    expect(live?.['data']).toEqual({ index: '3' });
  });
});
