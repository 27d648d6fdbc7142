import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ControlPlaneError } from './control-plane-error.js';
import { kubeApiRequest, type KubeApiTarget } from './kube-api-request.js';
import { KWOK_STAGES_PATH, type KwokBinary } from './kwok-binary.js';
import type { KubernetesBinaries } from './kubernetes-binaries.js';
import { startSupervisedProcess, type SupervisedProcess } from './supervised-process.js';

/** The processes that make a control plane run workloads. */
export type WorkloadComponent = 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

/** What a workload-capable control plane runs besides etcd and kube-apiserver. */
export interface WorkloadOptions {
  /** Simulated Nodes, played by KWOK; default 2. */
  nodes?: number;
}

/** Binaries, files and the API server the workload components talk to. */
export interface StartWorkloadComponentsOptions {
  binaries: KubernetesBinaries;
  kwok: KwokBinary;
  /** A directory of their own: one log file per process. */
  dir: string;
  api: KubeApiTarget;
  /** An admin kubeconfig for the three processes. */
  kubeconfigPath: string;
  /** The CA bundle of the API server, published in every namespace as kube-root-ca.crt. */
  caCertPath: string;
  /** The key kube-apiserver verifies service-account tokens with; the token controller signs with it. */
  serviceAccountPrivateKeyPath: string;
  nodes: number;
  timeoutMs: number;
  removeWhenOrphaned?: string;
}

/** One started workload process. */
export interface WorkloadProcess {
  component: WorkloadComponent;
  process: SupervisedProcess;
}

/** Labels and annotation of every simulated Node; KWOK manages exactly the Nodes with this annotation. */
const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const POLL_INTERVAL_MS = 250;

/**
 * Starts kube-scheduler, kube-controller-manager and KWOK against a running kube-apiserver, registers the simulated
 * Nodes, and waits until the scheduler and the controller manager lead (their Leases), the service-account controller
 * has made the `default` ServiceAccount, and every Node is Ready. On failure the started processes are stopped.
 */
export async function startWorkloadComponents(options: StartWorkloadComponentsOptions): Promise<WorkloadProcess[]> {
  await mkdir(options.dir, { recursive: true });
  const start = (component: WorkloadComponent, command: string, args: string[]): WorkloadProcess => ({
    component,
    process: startSupervisedProcess({
      command,
      args,
      logPath: join(options.dir, `${component}.log`),
      cwd: options.dir,
      removeWhenOrphaned: options.removeWhenOrphaned,
    }),
  });
  const kubeconfig = `--kubeconfig=${options.kubeconfigPath}`;
  const started: WorkloadProcess[] = [];
  try {
    started.push(
      // No serving port: readiness is read from the API (its Lease), so nothing binds a port to collide with.
      start('kube-scheduler', options.binaries.kubeScheduler, [kubeconfig, '--secure-port=0']),
      start('kube-controller-manager', options.binaries.kubeControllerManager, [
        kubeconfig,
        '--secure-port=0',
        `--root-ca-file=${options.caCertPath}`,
        `--service-account-private-key-file=${options.serviceAccountPrivateKeyPath}`,
      ]),
      start('kwok', options.kwok.path, [
        kubeconfig,
        `--config=${KWOK_STAGES_PATH}`,
        '--manage-all-nodes=false',
        `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
        // Heartbeats as Leases, which the node lifecycle controller takes as a live kubelet.
        '--node-lease-duration-seconds=40',
        // No kubelet API (logs, exec): it would listen on a fixed port shared by every plane.
        '--node-port=0',
      ]),
    );
    for (let i = 1; i <= options.nodes; i++) await registerNode(options.api, `kwok-node-${i}`);
    await waitForWorkloads(options, started);
    return started;
  } catch (error) {
    await Promise.all(started.map(({ process }) => process.stop(0)));
    throw error;
  }
}

async function registerNode(api: KubeApiTarget, name: string): Promise<void> {
  const answer = await kubeApiRequest(api, 'POST', '/api/v1/nodes', {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: { type: 'kwok', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' },
    },
  });
  if (answer.status !== 201) throw new Error(`could not register simulated Node ${name}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
}

type Check = { component: WorkloadComponent; what: string; isMet: () => Promise<boolean> };

async function waitForWorkloads(options: StartWorkloadComponentsOptions, started: WorkloadProcess[]): Promise<void> {
  const { api } = options;
  const exists = async (path: string): Promise<boolean> => (await kubeApiRequest(api, 'GET', path)).status === 200;
  const leads = async (lease: string): Promise<boolean> => {
    const answer = await kubeApiRequest<{ spec?: { holderIdentity?: string } }>(api, 'GET', `/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/${lease}`);
    return answer.status === 200 && Boolean(answer.body?.spec?.holderIdentity);
  };
  const checks: Check[] = [
    { component: 'kube-scheduler', what: 'its leader Lease', isMet: () => leads('kube-scheduler') },
    { component: 'kube-controller-manager', what: 'its leader Lease', isMet: () => leads('kube-controller-manager') },
    { component: 'kube-controller-manager', what: 'the default ServiceAccount', isMet: () => exists('/api/v1/namespaces/default/serviceaccounts/default') },
    { component: 'kwok', what: `${options.nodes} Ready Nodes`, isMet: async () => (await readyNodes(api)) >= options.nodes },
  ];
  const deadline = Date.now() + options.timeoutMs;
  let pending = checks;
  while (pending.length > 0) {
    const exited = started.find(({ process }) => process.isExited);
    if (exited) {
      const { code, signal } = await exited.process.exited;
      throw new ControlPlaneError('EXITED_EARLY', `${exited.component} exited before it was ready (${signal ?? `exit ${code}`})`, {
        component: exited.component,
        logPath: exited.process.logPath,
        logTail: await exited.process.readLogTail(),
      });
    }
    const met = await Promise.all(pending.map((check) => check.isMet().catch(() => false)));
    pending = pending.filter((_, i) => !met[i]);
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      const [first] = pending as [Check];
      const process = started.find((p) => p.component === first.component)?.process;
      throw new ControlPlaneError(
        'NOT_READY',
        `${first.component} was not ready within ${Math.round(options.timeoutMs / 1000)} s (still waiting for ${pending.map((c) => `${c.component}: ${c.what}`).join(', ')}); ` +
          'a busy machine may need a longer readyTimeoutMs',
        { component: first.component, logPath: process?.logPath, logTail: await process?.readLogTail() },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

async function readyNodes(api: KubeApiTarget): Promise<number> {
  type NodeList = { items?: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }> };
  const answer = await kubeApiRequest<NodeList>(api, 'GET', '/api/v1/nodes?labelSelector=type%3Dkwok');
  return (answer.body?.items ?? []).filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}
