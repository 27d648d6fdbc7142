import { KubeClient } from '@flotilla/kube';
import type { Fleet } from './fleet.js';

/** The namespace and a ConfigMap whose `version` tells which revision a cluster runs. Healthy without a controller. */
export function goodRevision(dir: string, version: string): Record<string, string> {
  return {
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${dir}\n`,
    [`${dir}/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  version: "${version}"\n`,
  };
}

/** A good revision plus a Deployment whose health never arrives: no controller manager runs, so nothing writes its status. */
export function badRevision(dir: string, version: string): Record<string, string> {
  return {
    ...goodRevision(dir, version),
    [`${dir}/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  selector: { matchLabels: { app: api } }',
      '  template:',
      '    metadata: { labels: { app: api } }',
      `    spec: { containers: [{ name: api, image: "registry.example/api:${version}" }] }`,
      '',
    ].join('\n'),
  };
}

/** Commits files (and removes paths) on the fleet repository's branch, tells the hub, and returns the commit. */
export async function pushRevision(fleet: Fleet, files: Record<string, string>, remove: string[] = []): Promise<string> {
  const checkout = await fleet.git.checkout('fleet');
  for (const [path, content] of Object.entries(files)) await checkout.write(path, content);
  for (const path of remove) await checkout.remove(path);
  const commit = await checkout.commit(`revision with ${Object.keys(files).join(', ')}`);
  await checkout.push();
  await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
  return commit;
}

/** What an app runs live on one cluster: its ConfigMap's version and whether its Deployment exists. */
export type Live = { version: string | null; deployment: boolean };

/** Reads what an app runs on each cluster, straight from the clusters' API servers. */
export function liveReader(fleet: Fleet): { live(cluster: string, namespace: string): Promise<Live>; close(): void } {
  const clients = new Map(Object.entries(fleet.planes).map(([name, plane]) => [name, new KubeClient({ kubeConfig: plane.kubeConfig('admin') })]));
  return {
    async live(cluster, namespace) {
      const client = clients.get(cluster) as KubeClient;
      const version = await client
        .request<{ data: { version: string } }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps/settings` })
        .then((cm) => cm.data.version, () => null);
      const deployment = await client.request({ method: 'GET', path: `/apis/apps/v1/namespaces/${namespace}/deployments/api` }).then(() => true, () => false);
      return { version, deployment };
    },
    close() {
      for (const client of clients.values()) client.close();
    },
  };
}

/** A cluster's entry in a rollout's detail view. */
export interface RolloutClusterView {
  cluster: string;
  state: string;
  startedAt: string | null;
  healthySince: string | null;
  finishedAt: string | null;
  message: string;
}

/** A rollout's detail view, as GET /api/v1/rollouts/{id} returns it. */
export interface RolloutDetail {
  id: number;
  kind: string;
  revision: string;
  state: string;
  message: string;
  finishedAt: string | null;
  waves: Array<{ index: number; canary: boolean; clusters: RolloutClusterView[] }>;
}

/** The newest rollout of an app, in detail. */
export async function latestRollout(fleet: Fleet, app: string): Promise<RolloutDetail | undefined> {
  const list = await fleet.api().get('/api/v1/rollouts').query({ app, limit: 1 }).expect(200);
  const id = list.body.items[0]?.id as number | undefined;
  return id === undefined ? undefined : (await fleet.api().get(`/api/v1/rollouts/${id}`).expect(200)).body;
}

/** Each cluster's state in a rollout. */
export function clusterStates(rollout: RolloutDetail | undefined): Record<string, string> {
  return Object.fromEntries((rollout?.waves ?? []).flatMap((wave) => wave.clusters.map((c) => [c.cluster, c.state])));
}

/** Polls until `read` returns something `accept` likes (for set-up, where expect.poll is not available). */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, { timeoutMs = 30_000, what = 'a condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
