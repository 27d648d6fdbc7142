import { objectRefOf } from '@flotilla/core';
import { brokenImage, startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceManager } from './resource-manager.js';
import { configMap, deployment, namespace, uniqueName } from './testing/fixtures.js';
import { RequestLog } from './testing/request-log.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;
const kwokCacheDir = process.env.FLOTILLA_KWOK_CACHE;

// The plane runs workloads (controllers, a scheduler, KWOK's simulated Nodes): every status read here is written by
// the Deployment controller about Pods that really run, or (image tag :broken) crash-loop.
describe('ResourceManager.waitForHealth', () => {
  let plane: ControlPlane;
  let manager: ResourceManager;

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-wait', k8sCacheDir, kwokCacheDir, workloads: true });
    manager = new ResourceManager({ kubeConfig: plane.kubeConfig() });
  });

  afterAll(async () => {
    manager?.close();
    await plane?.stop();
  });

  it('follows a Deployment to Healthy as its Pods go Running and Ready', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api', { replicas: 2 });
    await manager.apply([namespace(ns), configMap(ns, 'settings'), api]);
    const refs = [objectRefOf(configMap(ns, 'settings')), objectRefOf(api)];

    const report = await manager.waitForHealth(refs, { timeoutMs: 30_000, intervalMs: 100 });

    expect(report.timedOut).toBe(false);
    expect(report.health).toEqual({ status: 'Healthy', message: 'all 2 objects healthy' });
    expect(report.objects[1]).toMatchObject({ ref: objectRefOf(api), status: 'Healthy', message: `Deployment/${ns}/api: 2 of 2 replicas available` });
  });

  it('stays Progressing until the timeout while a Deployment\'s Pods crash-loop', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api', { replicas: 2, image: brokenImage('registry.example/app') });
    await manager.apply([namespace(ns), configMap(ns, 'settings'), api]);
    const refs = [objectRefOf(configMap(ns, 'settings')), objectRefOf(api)];
    // Wait until the controller has made the Pods: from then on the status says why the Deployment is not healthy.
    await expect
      .poll(async () => (await manager.client.request<{ status?: { updatedReplicas?: number } }>({ method: 'GET', path: `/apis/apps/v1/namespaces/${ns}/deployments/api` })).status?.updatedReplicas, { timeout: 30_000 })
      .toBe(2);

    const report = await manager.waitForHealth(refs, { timeoutMs: 1_500, intervalMs: 100 });

    expect(report.timedOut).toBe(true);
    expect(report.health.status).toBe('Progressing');
    expect(report.objects.map((o) => o.status)).toEqual(['Healthy', 'Progressing']);
    expect(report.objects[1]?.message).toBe(`Deployment/${ns}/api: 0 of 2 replicas available`);
  });

  it('says Degraded, without waiting for the timeout, once a Deployment exceeds its progress deadline', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api', { image: brokenImage('registry.example/app'), progressDeadlineSeconds: 2 });
    await manager.apply([namespace(ns), api]);

    const report = await manager.waitForHealth([objectRefOf(api)], { timeoutMs: 60_000, intervalMs: 100 });

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

  it('reads only the objects whose health can change when they were just applied', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api');
    const objects = [namespace(ns), configMap(ns, 'settings'), { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'token', namespace: ns }, data: {} }, api];
    await manager.apply(objects);
    const log = new RequestLog();
    const logged = new ResourceManager({ kubeConfig: plane.kubeConfig(), hooks: [log] });
    try {
      const report = await logged.waitForHealth(objects.map(objectRefOf), { timeoutMs: 30_000, intervalMs: 100, justApplied: true });
      expect(report.timedOut).toBe(false);
      expect(report.objects.map((o) => o.status)).toEqual(['Healthy', 'Healthy', 'Healthy', 'Healthy']);
      expect(report.objects[1]?.message).toBe(`ConfigMap/${ns}/settings: applied; a ConfigMap has no status to wait for`);
      // Discovery (/api, /apis/…/v1) aside, only the Namespace and the Deployment are read.
      const objectReads = log.requests.filter((r) => r.method === 'GET' && r.url.pathname.includes('/namespaces/'));
      const read = new Set(objectReads.map((r) => r.url.pathname.split('/').at(-2)));
      expect([...read].sort()).toEqual(['deployments', 'namespaces']);
    } finally {
      logged.close();
    }
  });
  it('takes an object Healthy in the apply\'s answer (a Namespace Active) without reading it; a new Deployment is read', async () => {
    const ns = uniqueName('web');
    const api = deployment(ns, 'api');
    const objects = [namespace(ns), configMap(ns, 'settings'), api];
    await manager.apply([namespace(ns)]);
    const { after } = await manager.apply(objects);
    expect(after.size).toBe(3);
    const log = new RequestLog();
    const logged = new ResourceManager({ kubeConfig: plane.kubeConfig(), hooks: [log] });
    try {
      // Settled at once: nothing is read.
      const settled = await logged.waitForHealth(objects.slice(0, 2).map(objectRefOf), { timeoutMs: 30_000, justApplied: true, applied: after });
      expect(settled.objects.map((o) => o.status)).toEqual(['Healthy', 'Healthy']);
      expect(log.requests.filter((r) => r.url.pathname.includes(ns))).toEqual([]);
      // The new Deployment's answer is not Healthy (no replica available yet): it is read until it is.
      const report = await logged.waitForHealth(objects.map(objectRefOf), { timeoutMs: 30_000, intervalMs: 100, justApplied: true, applied: after });
      expect(report.objects.map((o) => o.status)).toEqual(['Healthy', 'Healthy', 'Healthy']);
      expect(log.requests.map((r) => r.url.pathname)).toContain(`/apis/apps/v1/namespaces/${ns}/deployments/api`);
    } finally {
      logged.close();
    }
  });
});
