import { KubeClient } from '@flotilla/kube';
import { brokenImage } from '@flotilla/testenv';
import type { FleetBase } from './fleet.js';

/**
 * The namespace, a ConfigMap whose `version` tells which revision a cluster runs, and a two-replica Deployment of the
 * image `registry.example/api:<version>`: on a cluster that runs workloads its Pods go Running and Ready (KWOK), so it
 * turns healthy for real.
 */
export function goodRevision(dir: string, version: string): Record<string, string> {
  return revision(dir, version, `registry.example/api:${version}`);
}

/** The same app with its image broken (tag `:broken`): its new Pods crash-loop, so its rollout stalls and health never comes. */
export function badRevision(dir: string, version: string): Record<string, string> {
  return revision(dir, version, brokenImage('registry.example/api'));
}

function revision(dir: string, version: string, image: string): Record<string, string> {
  return {
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${dir}\n`,
    [`${dir}/configmap.yaml`]: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  version: "${version}"\n`,
    [`${dir}/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: api',
      'spec:',
      '  replicas: 2',
      '  selector: { matchLabels: { app: api } }',
      '  template:',
      '    metadata: { labels: { app: api } }',
      `    spec: { containers: [{ name: api, image: "${image}" }] }`,
      '',
    ].join('\n'),
  };
}

/** Commits files (and removes paths) on the fleet repository's branch, tells the hub, and returns the commit. */
export async function pushRevision(fleet: FleetBase, files: Record<string, string>, remove: string[] = []): Promise<string> {
  const checkout = await fleet.git.checkout('fleet');
  for (const [path, content] of Object.entries(files)) await checkout.write(path, content);
  for (const path of remove) await checkout.remove(path);
  const commit = await checkout.commit(`revision with ${Object.keys(files).join(', ')}`);
  await checkout.push();
  await fleet.api().post('/api/v1/sources/fleet/refresh').expect(200);
  return commit;
}

/**
 * What an app runs live on one cluster: its ConfigMap's version, its Deployment's image, and whether that Deployment
 * has rolled out (every replica updated and available, as its controller reports).
 */
export type Live = { version: string | null; image: string | null; rolledOut: boolean };

type LiveDeployment = {
  metadata: { generation: number };
  spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
};

/** Live as a good revision leaves it once rolled out. */
export const runs = (version: string): Live => ({ version, image: `registry.example/api:${version}`, rolledOut: true });

/** Reads what an app runs on each cluster, straight from the clusters' API servers. */
export function liveReader(fleet: FleetBase): { live(cluster: string, namespace: string): Promise<Live>; close(): void } {
  const clients = new Map(Object.entries(fleet.planes).map(([name, plane]) => [name, new KubeClient({ kubeConfig: plane.kubeConfig('admin') })]));
  return {
    async live(cluster, namespace) {
      const client = clients.get(cluster) as KubeClient;
      const version = await client
        .request<{ data: { version: string } }>({ method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps/settings` })
        .then((cm) => cm.data.version, () => null);
      const deployment = await client.request<LiveDeployment>({ method: 'GET', path: `/apis/apps/v1/namespaces/${namespace}/deployments/api` }).catch(() => undefined);
      const status = deployment?.status ?? {};
      const want = deployment?.spec.replicas ?? 0;
      const rolledOut =
        deployment !== undefined &&
        status.observedGeneration === deployment.metadata.generation &&
        status.updatedReplicas === want &&
        status.replicas === want &&
        status.availableReplicas === want;
      return { version, image: deployment?.spec.template.spec.containers[0]?.image ?? null, rolledOut };
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
export async function latestRollout(fleet: FleetBase, app: string): Promise<RolloutDetail | undefined> {
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
