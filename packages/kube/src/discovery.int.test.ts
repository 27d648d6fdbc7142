import { startControlPlane, type ControlPlane } from '@flotilla/testenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Discovery } from './discovery.js';
import { KubeClient, type OutgoingRequest, type RequestHook } from './kube-client.js';
import { ResourceManager } from './resource-manager.js';
import { crd, uniqueName } from './testing/fixtures.js';
import { RequestLog } from './testing/request-log.js';

const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;

const deployment = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'web', name: 'api' };
const ns = { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'web' };

describe('Discovery', () => {
  let plane: ControlPlane;
  const clients: KubeClient[] = [];
  const clientWith = (log?: RequestLog, accept?: string): KubeClient => {
    const hooks: RequestHook[] = [
      ...(log ? [log] : []),
      // Asking for plain JSON only is what a server without aggregated discovery would answer anyway.
      ...(accept ? [{ pre: (request: OutgoingRequest) => void (request.headers['Accept'] = accept) }] : []),
    ];
    const client = new KubeClient({ kubeConfig: plane.kubeConfig(), hooks });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'kube-discovery', k8sCacheDir });
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await plane?.stop();
  });

  it('knows the scope and plural of built-in kinds from two aggregated requests, and nothing of unknown kinds', async () => {
    const log = new RequestLog();
    const discovery = new Discovery(clientWith(log));

    await Promise.all([discovery.load(), discovery.load()]);

    expect(log.requests.map((r) => r.url.pathname).sort()).toEqual(['/api', '/apis']);
    expect([discovery.isNamespaced(deployment), discovery.resourceFor(deployment)]).toEqual([true, 'deployments']);
    expect([discovery.isNamespaced(ns), discovery.resourceFor(ns)]).toEqual([false, 'namespaces']);
    expect(discovery.isNamespaced({ ...deployment, version: 'v1beta1' })).toBeUndefined();
    expect(discovery.findAnyVersion({ group: 'apps', kind: 'Deployment' })?.version).toBe('v1');
    expect(discovery.isNamespaced({ ...deployment, group: 'nowhere.flotilla.dev' })).toBeUndefined();
  });

  it('reads the same from per-group-version discovery when aggregated discovery is not offered', async () => {
    const log = new RequestLog();
    const discovery = new Discovery(clientWith(log, 'application/json'));

    await discovery.load();

    expect(log.requests.length).toBeGreaterThan(10);
    expect([discovery.isNamespaced(deployment), discovery.resourceFor(deployment)]).toEqual([true, 'deployments']);
    expect(discovery.isNamespaced(ns)).toBe(false);
    expect(discovery.resourceFor({ group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition' })).toBe('customresourcedefinitions');
  });

  it('learns the kind of a CRD created after it loaded once refreshed', async () => {
    const group = `${uniqueName('g')}.test.flotilla.dev`;
    const gadget = { group, version: 'v1', kind: 'Gadget', namespace: '', name: 'g' };
    const discovery = new Discovery(clientWith());
    await discovery.load();
    const manager = new ResourceManager({ client: clientWith() });
    await manager.apply([crd(group, 'Gadget', { scope: 'Cluster' })]);

    expect(discovery.isNamespaced(gadget)).toBeUndefined();
    await discovery.refresh();
    expect([discovery.isNamespaced(gadget), discovery.resourceFor(gadget)]).toEqual([false, 'gadgets']);
  });
});
