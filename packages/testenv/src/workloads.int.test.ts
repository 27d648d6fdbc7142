import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROKEN_IMAGE_TAG } from './broken-image.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';
import { kubeApiRequest, type KubeApiTarget } from './kube-api-request.js';

// The test file is an entry point, so it may read env; the library only takes options.
const k8sCacheDir = process.env.FLOTILLA_K8S_CACHE;
const kwokCacheDir = process.env.FLOTILLA_KWOK_CACHE;

type Condition = { type: string; status: string; reason?: string };
type Obj = {
  metadata: { name: string; uid?: string; ownerReferences?: Array<{ kind: string; name: string }> };
  spec?: { nodeName?: string; volumes?: Array<{ name: string; projected?: unknown }> };
  status?: {
    phase?: string;
    conditions?: Condition[];
    availableReplicas?: number;
    readyReplicas?: number;
    succeeded?: number;
    containerStatuses?: Array<{ ready: boolean; state: { waiting?: { reason: string } } }>;
  };
  items?: Obj[];
  token?: string;
};

describe('a control plane that runs workloads', () => {
  let plane: ControlPlane;
  let api: KubeApiTarget;
  const get = async (path: string): Promise<Obj | undefined> => {
    const answer = await kubeApiRequest<Obj>(api, 'GET', path);
    return answer.status === 200 ? answer.body : undefined;
  };
  const create = async (path: string, body: unknown): Promise<Obj> => {
    const answer = await kubeApiRequest<Obj>(api, 'POST', path, body);
    if (answer.status !== 201) throw new Error(`POST ${path}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body as Obj;
  };
  const newNamespace = async (prefix: string): Promise<string> => {
    const name = `${prefix}-${randomBytes(3).toString('hex')}`;
    await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  };
  const deployment = (name: string, image: string, replicas: number) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      progressDeadlineSeconds: 5,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image }] } },
    },
  });
  const pods = async (ns: string, app: string): Promise<Obj[]> => (await get(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${app}`))?.items ?? [];

  beforeAll(async () => {
    plane = await startControlPlane({ name: 'workloads', k8sCacheDir, kwokCacheDir, workloads: { nodes: 2 } });
    api = { server: plane.server, caPem: Buffer.from(plane.caData, 'base64').toString('utf8'), token: plane.adminToken };
  });
  afterAll(async () => {
    await plane?.stop();
  });

  it('runs the controller manager, the scheduler and KWOK beside etcd and kube-apiserver, with Ready simulated Nodes', async () => {
    expect(plane.runsWorkloads).toBe(true);
    expect(plane.processes.map((p) => p.component)).toEqual(['etcd', 'kube-apiserver', 'kube-scheduler', 'kube-controller-manager', 'kwok']);
    const nodes = (await get('/api/v1/nodes'))?.items ?? [];
    expect(nodes.map((n) => n.metadata.name).sort()).toEqual(['kwok-node-1', 'kwok-node-2']);
    for (const node of nodes) expect(node.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
  });

  it('rolls a Deployment out: ReplicaSet, Pods scheduled onto the Nodes, Running and Ready, the Deployment Available', async () => {
    const ns = await newNamespace('deploy');
    await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', 'registry.example/web:1', 3));
    await expect.poll(async () => (await get(`/apis/apps/v1/namespaces/${ns}/deployments/web`))?.status?.availableReplicas, { timeout: 30_000 }).toBe(3);
    const running = await pods(ns, 'web');
    expect(running).toHaveLength(3);
    for (const pod of running) {
      expect(pod.spec?.nodeName).toMatch(/^kwok-node-[12]$/);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
      expect(pod.metadata.ownerReferences?.[0]?.kind).toBe('ReplicaSet');
      // The ServiceAccount admission plugin mounted a token: the controller manager made the account.
      expect(pod.spec?.volumes?.some((v) => v.name.startsWith('kube-api-access-') && v.projected)).toBe(true);
    }
  });

  it(`keeps Pods of an image tagged :${BROKEN_IMAGE_TAG} crash-looping, so their rollout stalls past its deadline`, async () => {
    const ns = await newNamespace('broken');
    await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', `registry.example/web:${BROKEN_IMAGE_TAG}`, 1));
    await expect
      .poll(async () => (await get(`/apis/apps/v1/namespaces/${ns}/deployments/web`))?.status?.conditions?.find((c) => c.type === 'Progressing')?.reason, { timeout: 30_000 })
      .toBe('ProgressDeadlineExceeded');
    const [pod] = await pods(ns, 'web');
    expect(pod?.status?.phase).toBe('Running');
    expect(pod?.status?.containerStatuses?.[0]).toMatchObject({ ready: false, state: { waiting: { reason: 'CrashLoopBackOff' } } });
    expect((await get(`/apis/apps/v1/namespaces/${ns}/deployments/web`))?.status?.availableReplicas ?? 0).toBe(0);
  });

  it('completes a Job', async () => {
    const ns = await newNamespace('job');
    await create(`/apis/batch/v1/namespaces/${ns}/jobs`, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'once' },
      spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'once', image: 'registry.example/once:1' }] } } },
    });
    await expect
      .poll(async () => (await get(`/apis/batch/v1/namespaces/${ns}/jobs/once`))?.status?.conditions?.find((c) => c.type === 'Complete')?.status, { timeout: 30_000 })
      .toBe('True');
  });

  it('issues service-account tokens', async () => {
    const ns = await newNamespace('tokens');
    await expect.poll(async () => (await get(`/api/v1/namespaces/${ns}/serviceaccounts/default`))?.metadata.name, { timeout: 20_000 }).toBe('default');
    const request = await create(`/api/v1/namespaces/${ns}/serviceaccounts/default/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
    expect((request.status as { token?: string } | undefined)?.token).toMatch(/^ey/);
    // The root CA is published into every namespace too (by its own controller, which may come after the account's).
    await expect.poll(() => get(`/api/v1/namespaces/${ns}/configmaps/kube-root-ca.crt`), { timeout: 20_000 }).toBeDefined();
  });

  it('collects garbage and finishes deleting a namespace', async () => {
    const ns = await newNamespace('gone');
    await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', 'registry.example/web:1', 2));
    await expect.poll(async () => (await pods(ns, 'web')).length, { timeout: 30_000 }).toBe(2);
    expect((await kubeApiRequest(api, 'DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/web`)).status).toBe(200);
    // The ReplicaSet and its Pods go with their owner.
    await expect.poll(async () => (await get(`/apis/apps/v1/namespaces/${ns}/replicasets`))?.items?.length, { timeout: 30_000 }).toBe(0);
    await expect.poll(async () => (await pods(ns, 'web')).length, { timeout: 30_000 }).toBe(0);

    await create(`/apis/apps/v1/namespaces/${ns}/deployments`, deployment('web', 'registry.example/web:1', 1));
    expect((await kubeApiRequest(api, 'DELETE', `/api/v1/namespaces/${ns}`)).status).toBe(200);
    await expect.poll(async () => (await kubeApiRequest(api, 'GET', `/api/v1/namespaces/${ns}`)).status, { timeout: 60_000 }).toBe(404);
  });

  it('stop() ends all five processes', async () => {
    const pids = plane.processes.map((p) => p.pid);
    await plane.stop();
    expect(pids.filter(isAlive)).toEqual([]);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
