import { FlotillaError, objectRefOf, type KubeObject } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceManager } from './resource-manager.js';
import { configMap, crd, deployment, namespace, uniqueName } from './testing/fixtures.js';
import { RequestLog } from './testing/request-log.js';

// The test file is an entry point, so it may read env; the library only takes options.
const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

describe('ResourceManager.apply', () => {
  let plane: ControlPlane;
  const managers: ResourceManager[] = [];
  const managerFor = (identity: 'admin' | 'user' = 'admin', log?: RequestLog): ResourceManager => {
    const manager = new ResourceManager({ kubeConfig: plane.kubeConfig(identity), hooks: log ? [log] : [] });
    managers.push(manager);
    return manager;
  };
  const existing = async (objects: readonly KubeObject[]): Promise<string[]> => {
    const found = await Promise.all(objects.map((obj) => managerFor().get(objectRefOf(obj))));
    return found.filter((obj) => obj !== undefined).map((obj) => `${obj.kind}/${obj.metadata.name}`);
  };
  const createNamespace = async (): Promise<string> => {
    const name = uniqueName('ns');
    await managerFor().apply([namespace(name)]);
    return name;
  };

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-apply', k8sCacheDir });
  });

  afterAll(async () => {
    for (const manager of managers) manager.close();
    await plane?.stop();
  });

  /** A revision: a Namespace, a ConfigMap and a Deployment in it, a CRD and a custom resource of it. */
  const revision = (ns: string, group: string): KubeObject[] => [
    configMap(ns, 'settings', { color: 'blue' }),
    deployment(ns, 'api'),
    { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'first', namespace: ns }, spec: { size: 3 } },
    namespace(ns),
    crd(group, 'Widget'),
  ];

  it('applies a Namespace, ConfigMap, Deployment, CRD and custom resource in one call, each created', async () => {
    const ns = uniqueName('web');
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    const objects = revision(ns, group);

    const { entries } = await managerFor().apply(objects);

    expect(entries.map((e) => [`${e.ref.kind}/${e.ref.name}`, e.action])).toEqual([
      // The CRD and the Namespace the others need come first; then the stages.
      [`CustomResourceDefinition/widgets.${group}`, 'created'],
      [`Namespace/${ns}`, 'created'],
      ['ConfigMap/settings', 'created'],
      ['Deployment/api', 'created'],
      ['Widget/first', 'created'],
    ]);
    expect(await existing(objects)).toHaveLength(5);
    const widget = await managerFor().get({ group, version: 'v1', kind: 'Widget', namespace: ns, name: 'first' });
    expect(widget?.['spec']).toEqual({ size: 3 });
  });

  it('reports every object unchanged and sends no write when the same revision is applied again', async () => {
    const ns = uniqueName('web');
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    await managerFor().apply(revision(ns, group));
    const before = await Promise.all(revision(ns, group).map((obj) => managerFor().get(objectRefOf(obj))));

    const log = new RequestLog();
    const { entries } = await managerFor('admin', log).apply(revision(ns, group));

    expect(entries.map((e) => e.action)).toEqual(['unchanged', 'unchanged', 'unchanged', 'unchanged', 'unchanged']);
    expect(log.applies()).toEqual([]);
    const after = await Promise.all(revision(ns, group).map((obj) => managerFor().get(objectRefOf(obj))));
    expect(after.map((obj) => obj?.metadata.resourceVersion)).toEqual(before.map((obj) => obj?.metadata.resourceVersion));
  });

  it('reports a changed ConfigMap as configured and sends only that one', async () => {
    const ns = await createNamespace();
    await managerFor().apply([configMap(ns, 'settings', { color: 'blue' }), deployment(ns, 'api')]);

    const log = new RequestLog();
    const { entries } = await managerFor('admin', log).apply([configMap(ns, 'settings', { color: 'green' }), deployment(ns, 'api')]);

    expect(entries.map((e) => [e.ref.kind, e.action])).toEqual([
      ['ConfigMap', 'configured'],
      ['Deployment', 'unchanged'],
    ]);
    expect(log.applies().map((r) => r.url.pathname)).toEqual([`/api/v1/namespaces/${ns}/configmaps/settings`]);
    const live = await managerFor().get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'settings' });
    expect(live?.['data']).toEqual({ color: 'green' });
  });

  it('throws DRY_RUN_FAILED naming every object the server rejects, and applies nothing of the batch', async () => {
    const ns = await createNamespace();
    const otherNs = uniqueName('unused');
    const objects = [
      namespace(otherNs),
      configMap(ns, 'fine'),
      deployment(ns, 'mismatch', { templateLabel: 'other' }),
      configMap(ns, 'Bad_Name'),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: uniqueName('reader') }, rules: [] },
    ];
    const log = new RequestLog();

    const error = await managerFor('admin', log).apply(objects).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'DRY_RUN_FAILED')).toBe(true);
    const { failures, applied } = (error as FlotillaError).data as { failures: { object: string; message: string }[]; applied: unknown[] };
    expect(failures.map((f) => f.object).sort()).toEqual([`ConfigMap/${ns}/Bad_Name`, `Deployment/${ns}/mismatch`]);
    for (const failure of failures) expect(failure.message.startsWith(`${failure.object} dry-run failed: `)).toBe(true);
    expect(failures.find((f) => f.object.startsWith('Deployment'))?.message).toMatch(/`selector` does not match template `labels`/);
    expect((error as Error).message).toMatch(/^(Deployment|ConfigMap)\/.* dry-run failed: .*nothing was applied$/);
    expect(applied).toEqual([]);
    expect(log.applies()).toEqual([]);
    expect(await existing(objects)).toEqual([]);
  });

  it('rejects unknown fields at dry-run instead of dropping them', async () => {
    const ns = await createNamespace();
    const typo = deployment(ns, 'typo');
    typo['spec'] = { ...(typo['spec'] as object), replica: 3 };

    const error = await managerFor().apply([typo]).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'DRY_RUN_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^Deployment/${ns}/typo dry-run failed: .*replica`));
  });

  it('fails the dry-run of a kind the cluster does not serve and no CRD of the revision defines', async () => {
    const ns = await createNamespace();
    const gadget = { apiVersion: 'nowhere.flotilla.dev/v1', kind: 'Gadget', metadata: { name: 'g', namespace: ns } };

    const error = await managerFor().apply([configMap(ns, 'fine'), gadget]).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'DRY_RUN_FAILED')).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^Gadget/${ns}/g dry-run failed: the cluster serves no Gadget in nowhere.flotilla.dev/v1, and no CustomResourceDefinition`),
    );
    expect(await existing([configMap(ns, 'fine')])).toEqual([]);
  });

  it('undoes the CRD and Namespace the others needed for their dry-run when one of those fails', async () => {
    const ns = uniqueName('web');
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    const objects = [...revision(ns, group), deployment(ns, 'mismatch', { templateLabel: 'other' })];

    const error = await managerFor().apply(objects).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'DRY_RUN_FAILED')).toBe(true);
    const data = (error as FlotillaError).data as { failures: { object: string }[]; applied: { kind: string }[]; undone: { kind: string }[] };
    expect(data.failures.map((f) => f.object)).toEqual([`Deployment/${ns}/mismatch`]);
    expect(data.applied).toEqual([]);
    expect(data.undone.map((ref) => ref.kind).sort()).toEqual(['CustomResourceDefinition', 'Namespace']);
    expect((error as Error).message).toMatch(/; nothing is left applied \((CustomResourceDefinition|Namespace)\/.* were applied and undone\)$/);
    // The Namespace is terminating (its deletion finishes with a namespace controller); the CRD is gone or going.
    const left = await Promise.all([namespace(ns), crd(group, 'Widget')].map((o) => managerFor().get(objectRefOf(o))));
    for (const object of left) expect(object === undefined || object.metadata['deletionTimestamp'] !== undefined).toBe(true);
  });

  it('undoes every write when the API server refuses one after its dry-run passed: created objects deleted, changed ones restored', async () => {
    const ns = await createNamespace();
    const admin = managerFor();
    // A quota of two ConfigMaps: each new one passes its dry-run alone, but only one more fits once both are written.
    // (No quota controller runs here: its status is written as the controller would, and admission keeps it after.)
    const quotaPath = `/api/v1/namespaces/${ns}/resourcequotas/two-configmaps`;
    await admin.client.request({ method: 'POST', path: `/api/v1/namespaces/${ns}/resourcequotas`, body: { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'two-configmaps' }, spec: { hard: { configmaps: '2' } } } });
    const quota = await admin.client.request<KubeObject>({ method: 'GET', path: quotaPath });
    await admin.client.request({ method: 'PUT', path: `${quotaPath}/status`, body: { ...quota, status: { hard: { configmaps: '2' }, used: { configmaps: '0' } } } });
    await admin.apply([configMap(ns, 'kept', { version: '1' })]);
    await admin.client.request({ method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/kept`, body: { metadata: { labels: { edited: 'by-hand' } } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });

    const revision2 = [configMap(ns, 'kept', { version: '2', added: 'yes' }), configMap(ns, 'a', { n: '1' }), configMap(ns, 'b', { n: '2' })];
    const error = await admin.apply(revision2).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'APPLY_FAILED')).toBe(true);
    const data = (error as FlotillaError).data as { failures: { object: string; code: string }[]; undone: { name: string }[]; notUndone: unknown[] };
    expect(data.failures).toHaveLength(1);
    expect(['a', 'b'].map((n) => `ConfigMap/${ns}/${n}`)).toContain(data.failures[0]?.object);
    expect((error as Error).message).toMatch(/apply failed after its dry-run passed: .*exceeded quota: two-configmaps.*; nothing is left applied \(/);
    expect(data.notUndone).toEqual([]);
    expect(data.undone.map((ref) => ref.name).sort()).toEqual(['a', 'b'].filter((n) => !data.failures[0]?.object.endsWith(`/${n}`)).concat('kept').sort());
    // As before the apply: the new ConfigMaps gone, the changed one with its earlier data and the hand-made label.
    expect(await existing(revision2)).toEqual(['ConfigMap/kept']);
    const kept = await admin.get(objectRefOf(revision2[0] as KubeObject));
    expect(kept?.['data']).toEqual({ version: '1' });
    expect(kept?.metadata.labels).toEqual({ edited: 'by-hand' });
  });

  it('applies custom resources of a CRD changed in the same revision against the new schema', async () => {
    const ns = await createNamespace();
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    await managerFor().apply([crd(group, 'Widget')]);
    const grown = crd(group, 'Widget');
    const version = (grown['spec'] as { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: object } } } } }[] }).versions[0];
    if (version) version.schema.openAPIV3Schema.properties.spec.properties = { size: { type: 'integer' }, color: { type: 'string' } };
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 1, color: 'red' } };

    const { entries } = await managerFor().apply([grown, widget]);

    expect(entries.map((e) => [e.ref.kind, e.action])).toEqual([
      ['CustomResourceDefinition', 'configured'],
      ['Widget', 'created'],
    ]);
    const live = await managerFor().get(objectRefOf(widget));
    expect(live?.['spec']).toEqual({ size: 1, color: 'red' });
  });

  it('clears the namespace written on a cluster-scoped object', async () => {
    const name = uniqueName('reader');
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name, namespace: 'ignored' }, rules: [] };

    const { entries } = await managerFor().apply([role]);

    expect(entries).toEqual([{ ref: { group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', namespace: '', name }, action: 'created' }]);
  });

  it('gives the non-admin identity a 403 that names the object', async () => {
    const ns = await createNamespace();
    const user = managerFor('user');

    const error = await user.apply([configMap(ns, 'denied')]).catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'DRY_RUN_FAILED')).toBe(true);
    const [failure] = (error as FlotillaError).data['failures'] as { object: string; message: string; code: string }[];
    expect(failure?.code).toBe('PERMISSION_DENIED');
    expect(failure?.message).toMatch(
      new RegExp(`^ConfigMap/${ns}/denied dry-run failed: configmaps "denied" is forbidden: User "${plane.userName}" cannot patch resource "configmaps"`),
    );
    const read = await user.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'denied' }).catch((e: unknown) => e);
    expect(FlotillaError.is(read, 'PERMISSION_DENIED')).toBe(true);
    expect((read as Error).message).toMatch(new RegExp(`^ConfigMap/${ns}/denied get failed: configmaps "denied" is forbidden`));
  });
});
