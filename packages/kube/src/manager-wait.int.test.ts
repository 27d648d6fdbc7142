import { objectRefOf } from '@flotilla/core';
import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceManager } from './resource-manager.js';
import { configMap, deployment, namespace, uniqueName } from './testing/fixtures.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

describe('ResourceManager.waitForHealth', () => {
  let plane: ControlPlane;
  let manager: ResourceManager;

  // No controller-manager runs: tests write Deployment status through the status subresource, as Flux's tests do.
  const writeStatus = async (ns: string, name: string, status: Record<string, unknown>): Promise<void> => {
    await manager.client.request({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${ns}/deployments/${name}/status`,
      body: { status },
      contentType: 'application/merge-patch+json',
    });
  };

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-wait', k8sCacheDir });
    manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
  });

  afterAll(async () => {
    manager?.close();
    await plane?.stop();
  });

  it('follows a Deployment from Progressing to Healthy as its status is written', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api', { replicas: 2 });
    await manager.apply([namespace(ns), configMap(ns, 'settings'), api]);
    const refs = [objectRefOf(configMap(ns, 'settings')), objectRefOf(api)];

    const early = await manager.waitForHealth(refs, { timeoutMs: 300, intervalMs: 100 });
    expect(early.timedOut).toBe(true);
    expect(early.health.status).toBe('Progressing');
    expect(early.objects.map((o) => o.status)).toEqual(['Healthy', 'Progressing']);
    expect(early.objects[1]?.message).toBe(`Deployment/${ns}/api: 0 of 2 replicas updated`);

    const waiting = manager.waitForHealth(refs, { timeoutMs: 20_000, intervalMs: 100 });
    await writeStatus(ns, 'api', { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writeStatus(ns, 'api', { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
    const report = await waiting;

    expect(report.timedOut).toBe(false);
    expect(report.health).toEqual({ status: 'Healthy', message: 'all 2 objects healthy' });
    expect(report.objects[1]).toMatchObject({ ref: objectRefOf(api), status: 'Healthy', message: `Deployment/${ns}/api: 2 of 2 replicas available` });
  });

  it('says Degraded at once when a Deployment exceeded its progress deadline', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api');
    await manager.apply([namespace(ns), api]);
    await writeStatus(ns, 'api', {
      observedGeneration: 1,
      replicas: 1,
      updatedReplicas: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "api-1" has timed out progressing.' }],
    });
    const started = Date.now();

    const report = await manager.waitForHealth([objectRefOf(api)], { timeoutMs: 20_000, intervalMs: 100 });

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.timedOut).toBe(false);
    expect(report.health.status).toBe('Degraded');
    expect(report.health.message).toMatch(new RegExp(`^Deployment/${ns}/api: exceeded its progress deadline: ProgressDeadlineExceeded`));
  });

  it('stays Progressing until the timeout for an object that does not exist', async () => {
    const ref = objectRefOf(configMap(uniqueName('web'), 'absent'));

    const report = await manager.waitForHealth([ref], { timeoutMs: 300, intervalMs: 100 });

    expect(report).toMatchObject({ timedOut: true, health: { status: 'Progressing' } });
    expect(report.objects[0]?.message).toMatch(/^ConfigMap\/.*\/absent: not found$/);
  });
});
