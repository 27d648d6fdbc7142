import { type KubeObject } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from './kube-client.js';
import { ResourceManager } from './resource-manager.js';
import { ResourceWatch, type WatchEventType } from './resource-watch.js';
import { configMap, namespace, uniqueName } from './testing/fixtures.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

describe('ResourceWatch and ResourceManager.diff', () => {
  let plane: ControlPlane;
  let manager: ResourceManager;
  let editor: KubeClient;
  const ns = uniqueName('watch');

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-watch', k8sCacheDir });
    manager = new ResourceManager({ kubeConfig: plane.kubeConfig('admin') });
    editor = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    await manager.apply([namespace(ns), configMap(ns, 'before', { a: '1' })]);
  });
  afterAll(async () => {
    manager?.close();
    editor?.close();
    await plane?.stop();
  });

  const edit = (name: string, data: Record<string, string>) =>
    editor.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${ns}/configmaps/${name}`,
      body: { data },
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'editor' },
    });

  it('lists, then delivers each change well within a second, and resumes after its connection drops', async () => {
    const events: Array<{ type: WatchEventType; name: string; at: number }> = [];
    const synced: string[][] = [];
    const kinds: string[] = [];
    const client = new KubeClient({ kubeConfig: plane.kubeConfig('admin') });
    const watch = new ResourceWatch({
      client,
      path: `/api/v1/namespaces/${ns}/configmaps`,
      onSync: (objects) => {
        synced.push(objects.map((o) => o.metadata.name));
        kinds.push(...objects.map((o) => `${o.apiVersion}/${o.kind}`));
      },
      onEvent: (type, object) => events.push({ type, name: object.metadata.name, at: Date.now() }),
    });
    await watch.start();
    expect(synced).toEqual([['before']]);
    // Listed items get the apiVersion and kind that list responses leave out of them.
    expect(kinds).toEqual(['v1/ConfigMap']);

    const started = Date.now();
    await edit('before', { a: '2' });
    await expect.poll(() => events.find((e) => e.type === 'MODIFIED' && e.name === 'before'), { interval: 5 }).toBeDefined();
    expect((events.find((e) => e.type === 'MODIFIED')?.at ?? Infinity) - started).toBeLessThan(500);

    // Drop the connection under the watch: it resumes from the last resourceVersion without listing again.
    client.close();
    await manager.apply([configMap(ns, 'after')]);
    await expect.poll(() => events.some((e) => e.type === 'ADDED' && e.name === 'after'), { timeout: 10_000 }).toBe(true);
    await editor.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/after` });
    await expect.poll(() => events.some((e) => e.type === 'DELETED' && e.name === 'after')).toBe(true);
    expect(synced).toHaveLength(1);
    await watch.stop();
    client.close();
  });

  it('diffs an object as applying it would change it, at the live resourceVersion', async () => {
    const desired = configMap(ns, 'diffed', { a: '1' });
    await manager.apply([desired]);
    await edit('diffed', { a: 'changed', b: 'added' });
    const { dryRun, live } = await manager.diff(desired);
    expect(dryRun?.metadata.resourceVersion).toBe(live?.metadata.resourceVersion);
    expect((dryRun as KubeObject & { data: object }).data).toEqual({ a: '1', b: 'added' });
    expect((live as KubeObject & { data: object }).data).toEqual({ a: 'changed', b: 'added' });
    // A live copy at the same version is used as it is, without reading the object again.
    expect((await manager.diff(desired, { live })).live).toBe(live);
  });

  it('says a deleted object, or one whose namespace is gone, does not exist', async () => {
    expect((await manager.diff(configMap(ns, 'never-created'))).live).toBeUndefined();
    expect(await manager.diff(configMap('no-such-namespace', 'x'))).toMatchObject({ live: undefined, dryRun: undefined });
  });
});
