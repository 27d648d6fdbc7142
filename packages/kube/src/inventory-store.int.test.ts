import { FlotillaError, type ObjectRef } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryStore, type InventoryStoreOptions } from './inventory-store.js';
import { ResourceManager } from './resource-manager.js';
import { uniqueName } from './testing/fixtures.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

const inventory: ObjectRef[] = [
  { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' },
  { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'web' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'web', name: 'settings' },
];
const revision = `main@sha1:${'a'.repeat(40)}`;

describe('InventoryStore', () => {
  let plane: ControlPlane;
  const stores: InventoryStore[] = [];
  const storeIn = (namespace: string, options: Partial<InventoryStoreOptions> = {}): InventoryStore => {
    const store = new InventoryStore({ kubeConfig: plane.kubeConfig(), namespace, ...options } as InventoryStoreOptions);
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-inventory', k8sCacheDir });
  });

  afterAll(async () => {
    for (const store of stores) store.close();
    await plane?.stop();
  });

  it('round-trips a record, creating the state namespace, and a new instance still reads it', async () => {
    const state = uniqueName('state');
    await storeIn(state).save('web', { inventory, revision, generation: 7, fields: { lastHealthyRevision: revision, 'assignment.json': '{"generation":7}' } });

    const loaded = await storeIn(state).load('web');

    expect(loaded).toEqual({
      app: 'web',
      // Sorted by objectKey, as core's createInventory keeps them.
      inventory: [inventory[2], inventory[1], inventory[0]],
      revision,
      generation: 7,
      fields: { lastHealthyRevision: revision, 'assignment.json': '{"generation":7}' },
    });
    const manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
    const configMap = await manager.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: state, name: 'flotilla-inventory-web' });
    manager.close();
    expect(configMap?.metadata.managedFields?.map((m) => [m.manager, m.operation])).toEqual([['flotilla', 'Apply']]);
  });

  it('answers undefined for an App it has no record of', async () => {
    expect(await storeIn(uniqueName('state')).load('web')).toBeUndefined();
  });

  it('replaces a record on save, dropping fields left out', async () => {
    const store = storeIn(uniqueName('state'));
    await store.save('web', { inventory, revision, generation: 1, fields: { a: '1', b: '2' } });

    await store.save('web', { inventory: inventory.slice(0, 1), revision, generation: 2, fields: { a: '3' } });

    expect(await store.load('web')).toMatchObject({ inventory: inventory.slice(0, 1), generation: 2, fields: { a: '3' } });
  });

  it('lists every App it holds, and forgets a removed one', async () => {
    const store = storeIn(uniqueName('state'));
    await store.save('web', { inventory, revision, generation: 1 });
    await store.save('db', { inventory: [], revision, generation: 3 });

    expect((await store.list()).map((r) => [r.app, r.generation, r.inventory.length])).toEqual([
      ['db', 3, 0],
      ['web', 1, 3],
    ]);
    await store.remove('db');
    await store.remove('never-saved');
    expect((await store.list()).map((r) => r.app)).toEqual(['web']);
    expect(await store.load('db')).toBeUndefined();
  });

  it('lists nothing when the state namespace does not exist yet', async () => {
    expect(await storeIn(uniqueName('state')).list()).toEqual([]);
  });

  it('says INVALID_INVENTORY, naming the ConfigMap, when the stored inventory is damaged', async () => {
    const state = uniqueName('state');
    const store = storeIn(state);
    await store.save('web', { inventory, revision, generation: 1 });
    const manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
    await manager.client.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${state}/configmaps/flotilla-inventory-web`,
      body: { data: { inventory: 'not an inventory' } },
      contentType: 'application/merge-patch+json',
    });
    manager.close();

    const error = await store.load('web').catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'INVALID_INVENTORY')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^ConfigMap/${state}/flotilla-inventory-web: inventory line 1: expected the header`));
  });

  it('refuses an App name that cannot make a ConfigMap name, and reserved field names', async () => {
    const store = storeIn(uniqueName('state'));

    await expect(store.save('Web_App', { inventory, revision, generation: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(store.save('web', { inventory, revision, generation: 1, fields: { revision: 'x' } })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('gives the non-admin identity a 403 that names the ConfigMap', async () => {
    const state = uniqueName('state');
    const store = new InventoryStore({ kubeConfig: plane.kubeConfig('user'), namespace: state });
    stores.push(store);

    const error = await store.load('web').catch((e: unknown) => e);

    expect(FlotillaError.is(error, 'PERMISSION_DENIED')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^ConfigMap/${state}/flotilla-inventory-web get failed: configmaps "flotilla-inventory-web" is forbidden`));
  });
});
