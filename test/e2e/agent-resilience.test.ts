import { KubeClient } from '@flotilla/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStatusOn, type Fleet, startFleet } from './fleet.js';

const CONFIG_MAPS = 150;

/** A revision of many small objects, so that an apply takes long enough to be interrupted. */
function manyConfigMaps(version: string): Record<string, string> {
  const files: Record<string, string> = { 'app/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: many\n' };
  for (let i = 0; i < CONFIG_MAPS; i++) {
    files[`app/cm-${String(i).padStart(3, '0')}.yaml`] = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  version: "${version}"\n`;
  }
  return files;
}

type Applied = { phase: string; health: string; generation: number; changes: Record<string, number> };

describe('agent and hub restarts', () => {
  let fleet: Fleet;
  let kube: KubeClient;

  const applied = async () => ((await appStatusOn(fleet, 'many', 'eu-1')) as { applied?: Applied } | undefined)?.applied;
  const settled = async (generation: number, timeout = 60_000) => {
    await expect.poll(async () => (await applied())?.generation, { timeout, interval: 250 }).toBe(generation);
    return (await applied()) as Applied;
  };
  // These clusters run no controller manager, so the namespace holds only the app's ConfigMaps (no kube-root-ca.crt).
  const countConfigMaps = async () =>
    (await kube.request<{ items: unknown[] }>({ method: 'GET', path: '/api/v1/namespaces/many/configmaps' }).catch(() => ({ items: [] }))).items.length;

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files: manyConfigMaps('1') });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as NonNullable<Fleet['planes'][string]>).kubeConfig('admin') });
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    // `correct`: what the agent enforces by itself, even when it restarts without its hub, is Git's state.
    await fleet
      .api()
      .post('/api/v1/apps')
      .send({ name: 'many', source: 'fleet', path: 'app', namespace: 'many', targets: { clusters: ['eu-1'] }, policy: { drift: { mode: 'correct' } } })
      .expect(201);
  });
  afterAll(async () => {
    kube?.close();
    await fleet?.stop();
  });

  it('converges when the agent is stopped in the middle of an apply and started again', async () => {
    await fleet.startAgent('eu-1');
    // Stop as soon as the apply has begun writing.
    await expect.poll(countConfigMaps, { timeout: 30_000, interval: 20 }).toBeGreaterThan(0);
    await fleet.stopAgent('eu-1');
    const partial = await countConfigMaps();
    await fleet.startAgent('eu-1');
    const result = await settled(1);
    expect(result.phase).toBe('Synced');
    expect(await countConfigMaps()).toBe(CONFIG_MAPS);
    expect(partial).toBeLessThanOrEqual(CONFIG_MAPS);
    const inventory = await kube.request<{ data: { inventory: string } }>({ method: 'GET', path: '/api/v1/namespaces/flotilla-system/configmaps/flotilla-inventory-many' });
    expect(inventory.data.inventory.split('\n').filter((line) => line.includes('ConfigMap'))).toHaveLength(CONFIG_MAPS);
  });

  it('keeps enforcing its stored assignment while the hub is down, even after its own restart', async () => {
    await fleet.stopHub();
    await kube.request({ method: 'DELETE', path: '/api/v1/namespaces/many/configmaps/cm-7' });
    await fleet.stopAgent('eu-1');
    await fleet.startAgent('eu-1');
    await expect
      .poll(() => kube.request({ method: 'GET', path: '/api/v1/namespaces/many/configmaps/cm-7' }).then(() => true, () => false), { timeout: 30_000 })
      .toBe(true);
  });

  it('delivers what it reported while the hub was down once the hub is back, and follows new commits', async () => {
    // The recreation above was reported into the outbox; a new commit lands while the hub is still down.
    const checkout = await fleet.git.checkout('fleet');
    await checkout.write('app/cm-000.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-0\ndata:\n  version: "2"\n');
    await checkout.commit('bump cm-0');
    await checkout.push();
    expect((fleet.agents.get('eu-1')?.connection.pending ?? 0)).toBeGreaterThan(0);

    await fleet.startHub();
    await expect.poll(() => fleet.agents.get('eu-1')?.connection.isConnected, { timeout: 30_000 }).toBe(true);
    await expect.poll(() => fleet.agents.get('eu-1')?.connection.pending, { timeout: 10_000 }).toBe(0);
    const history = await fleet.api().get('/api/v1/apps/many/history').expect(200);
    expect(history.body.items.length).toBeGreaterThan(0);

    await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
    const result = await settled(2);
    expect(result).toMatchObject({ phase: 'Synced', changes: { configured: 1 } });
    const cm = await kube.request<{ data: { version: string } }>({ method: 'GET', path: '/api/v1/namespaces/many/configmaps/cm-0' });
    expect(cm.data.version).toBe('2');
  });

  it('removes what an app applied when the app is deleted', async () => {
    await fleet.api().delete('/api/v1/apps/many').expect(204);
    await expect.poll(countConfigMaps, { timeout: 30_000 }).toBe(0);
    await expect
      .poll(() => kube.request({ method: 'GET', path: '/api/v1/namespaces/flotilla-system/configmaps/flotilla-inventory-many' }).then(() => true, () => false))
      .toBe(false);
  });
});
