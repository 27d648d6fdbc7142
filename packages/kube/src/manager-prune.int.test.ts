import { objectRefOf, PRUNE_ANNOTATION, type KubeObject, type ObjectRef } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceManager } from './resource-manager.js';
import { configMap, crd, deployment, namespace, uniqueName } from './testing/fixtures.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

describe('ResourceManager.prune and get', () => {
  let plane: ControlPlane;
  let manager: ResourceManager;
  const refsOf = (objects: readonly KubeObject[]): ObjectRef[] => objects.map(objectRefOf);

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-prune', k8sCacheDir });
    manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
  });

  afterAll(async () => {
    manager?.close();
    await plane?.stop();
  });

  it('deletes objects, keeps those annotated flotilla.dev/prune: disabled, and counts missing ones as pruned', async () => {
    const ns = uniqueName('web');
    const kept = configMap(ns, 'kept');
    kept.metadata.annotations = { [PRUNE_ANNOTATION]: 'disabled' };
    const objects = [namespace(ns), configMap(ns, 'gone'), deployment(ns, 'api'), kept];
    await manager.apply(objects);
    const missing = objectRefOf(configMap(ns, 'never-existed'));

    const { entries } = await manager.prune([...refsOf(objects.slice(1)), missing]);

    expect(Object.fromEntries(entries.map((e) => [e.ref.name, e.action]))).toEqual({ gone: 'pruned', api: 'pruned', kept: 'skipped', 'never-existed': 'pruned' });
    expect(await manager.get(objectRefOf(configMap(ns, 'gone')))).toBeUndefined();
    expect(await manager.get(objectRefOf(deployment(ns, 'api')))).toBeUndefined();
    expect(await manager.get(objectRefOf(kept))).toBeDefined();
  });

  it('reads the prune annotation on the live object, not on the manifest', async () => {
    const ns = uniqueName('web');
    await manager.apply([namespace(ns), configMap(ns, 'edited')]);
    const live = await manager.get(objectRefOf(configMap(ns, 'edited')));
    if (!live) throw new Error('the ConfigMap was not applied');
    // Someone annotates the live object by hand (another field manager), after Flotilla applied it.
    await manager.client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${ns}/configmaps/edited`,
      body: { metadata: { annotations: { [PRUNE_ANNOTATION]: 'disabled' } } },
      contentType: 'application/merge-patch+json',
    });

    const { entries } = await manager.prune([objectRefOf(live)]);

    expect(entries.map((e) => e.action)).toEqual(['skipped']);
  });

  it('prunes custom resources before their CRD and namespaced objects before their Namespace', async () => {
    const ns = uniqueName('web');
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 1 } };
    const objects = [crd(group, 'Widget'), namespace(ns), configMap(ns, 'settings'), widget];
    await manager.apply(objects);

    const { entries } = await manager.prune(refsOf(objects));

    // Within a stage, the apply order reversed: custom resources (applied last) go first.
    expect(entries.map((e) => [e.ref.kind, e.action])).toEqual([
      ['Widget', 'pruned'],
      ['ConfigMap', 'pruned'],
      ['Namespace', 'pruned'],
      ['CustomResourceDefinition', 'pruned'],
    ]);
  });

  it('prunes an object recorded at an API version the cluster no longer serves through a served one', async () => {
    const ns = uniqueName('web');
    await manager.apply([namespace(ns), deployment(ns, 'old')]);
    const recorded = { group: 'apps', version: 'v1beta1', kind: 'Deployment', namespace: ns, name: 'old' };

    const { entries } = await manager.prune([recorded]);

    expect(entries.map((e) => e.action)).toEqual(['pruned']);
    expect(await manager.get(recorded)).toBeUndefined();
  });

  it('deletes a custom resource whose CRD appeared after its discovery was read, rather than counting it gone', async () => {
    const ns = uniqueName('web');
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    const widget = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w', namespace: ns }, spec: { size: 1 } };
    const stale = new ResourceManager({ kubeConfig: plane.kubeConfig() });
    await stale.discovery.load();
    await manager.apply([crd(group, 'Widget'), namespace(ns), widget]);

    const { entries } = await stale.prune([objectRefOf(widget)]);
    stale.close();

    expect(entries.map((e) => e.action)).toEqual(['pruned']);
    expect(await manager.get(objectRefOf(widget))).toBeUndefined();
  });

  it('counts an object of a kind the cluster no longer serves as pruned', async () => {
    const { entries } = await manager.prune([{ group: 'gone.flotilla.dev', version: 'v1', kind: 'Gadget', namespace: 'x', name: 'y' }]);

    expect(entries.map((e) => e.action)).toEqual(['pruned']);
  });

  it('gets the live object, and undefined for a missing object, namespace or kind', async () => {
    const ns = uniqueName('web');
    await manager.apply([namespace(ns), configMap(ns, 'here', { a: '1' })]);

    const here = await manager.get(objectRefOf(configMap(ns, 'here')));

    expect(here?.['data']).toEqual({ a: '1' });
    expect(typeof here?.metadata.creationTimestamp).toBe('string');
    expect(await manager.get(objectRefOf(configMap(ns, 'absent')))).toBeUndefined();
    expect(await manager.get(objectRefOf(configMap(uniqueName('no-ns'), 'absent')))).toBeUndefined();
    expect(await manager.get({ group: 'nowhere.flotilla.dev', version: 'v1', kind: 'Gadget', namespace: ns, name: 'x' })).toBeUndefined();
  });
});
