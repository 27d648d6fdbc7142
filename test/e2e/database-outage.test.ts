import { KubeClient } from '@flotilla/kube';
import type { ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appStatusOn, type Fleet, type FleetPostgres, startFleet } from './fleet.js';
import { pushRevision, waitFor } from './rollout-fixtures.js';

const configMap = (version: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  version: "${version}"\n`;

// The hub on a real PostgreSQL behind a TCP proxy the test cuts (the database server or the network to it gone), with
// a real agent on a real cluster. While the database is away REST says so (503), the agent keeps enforcing what it
// holds, and once the database is back the loop carries on without restarting anything.
describe('a fleet while the hub database is unreachable', () => {
  let fleet: Fleet;
  let kube: KubeClient;
  const live = async () => (await kube.request<{ data: Record<string, string> }>({ method: 'GET', path: '/api/v1/namespaces/web/configmaps/settings' })).data;

  beforeAll(async () => {
    fleet = await startFleet({ clusters: { 'eu-1': { env: 'prod' } }, files: { 'web/settings.yaml': configMap('1') }, database: 'postgres' });
    kube = new KubeClient({ kubeConfig: (fleet.planes['eu-1'] as ControlPlane).kubeConfig('admin') });
    await fleet.startAgent('eu-1');
    await fleet.api().post('/api/v1/sources').send({ name: 'fleet', url: fleet.git.repoUrl('fleet'), pollIntervalSeconds: 3600 }).expect(201);
    await fleet.api().post('/api/v1/apps').send({ name: 'web', source: 'fleet', path: 'web', namespace: 'web', targets: { selector: {} }, policy: { drift: { mode: 'correct' }, createNamespace: true } }).expect(201);
    await waitFor(() => appStatusOn(fleet, 'web', 'eu-1'), (status) => (status?.applied as { phase?: string } | undefined)?.phase === 'Synced', { what: 'web synced on eu-1' });
  });
  afterAll(async () => {
    kube?.close();
    await fleet?.stop();
  });

  it('answers 503 while the database is cut, the agent keeps correcting drift, and the next commit rolls out once it is back', async () => {
    const { proxy } = fleet.postgres as FleetPostgres;
    await proxy.cut();
    const res = await fleet.api().get('/api/v1/apps/web/status');
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'UNAVAILABLE', details: { dependency: 'database' } });

    // The cluster still runs its revision, enforced by its agent: an edit is put back with no hub database.
    await kube.request({ method: 'PATCH', path: '/api/v1/namespaces/web/configmaps/settings', body: { data: { version: 'edited' } }, contentType: 'application/merge-patch+json', query: { fieldManager: 'kubectl-edit' } });
    await expect.poll(live, { timeout: 20_000 }).toEqual({ version: '1' });

    await proxy.restore();
    await expect.poll(async () => (await fleet.api().get('/api/v1/apps/web/status')).status, { timeout: 30_000 }).toBe(200);
    const next = await pushRevision(fleet, { 'web/settings.yaml': configMap('2') });
    await expect.poll(live, { timeout: 30_000 }).toEqual({ version: '2' });
    await expect.poll(async () => (await appStatusOn(fleet, 'web', 'eu-1'))?.applied, { timeout: 30_000 }).toMatchObject({ phase: 'Synced', revision: `main@sha1:${next}` });
    // What the agent reported meanwhile reached the hub once the database answered: the correction is audited.
    await expect
      .poll(async () => ((await fleet.api().get('/api/v1/audit').query({ action: 'drift.correct', target: 'app/web' }).expect(200)).body.items as unknown[]).length, { timeout: 20_000 })
      .toBeGreaterThan(0);
  });
});
