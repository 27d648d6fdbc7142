import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeControlPlaneCredentials } from './control-plane-credentials.js';
import { registerExitCleanup } from './exit-cleanup.js';
import { writeKubeconfigFile } from './kubeconfig-file.js';
import { ensureKubernetesBinaries, type KubernetesBinaries } from './kubernetes-binaries.js';
import { startEtcd, type EtcdServer } from './start-etcd.js';
import { ensureKwok, type KwokBinary } from './kwok-binary.js';
import { startKubeApiserver, type KubeApiserver } from './start-kube-apiserver.js';
import type { SupervisedProcess } from './supervised-process.js';
import { startWorkloadComponents, type WorkloadComponent, type WorkloadOptions } from './workload-components.js';

/** Which token a client uses: `admin` is in system:masters, `user` is subject to RBAC with no grants. */
export type ControlPlaneIdentity = 'admin' | 'user';

/** One process of a control plane, for diagnostics and for tests that check what is left running. */
export interface ControlPlaneProcess {
  component: 'etcd' | 'kube-apiserver' | WorkloadComponent;
  pid: number;
  logPath: string;
}

/**
 * A running etcd + kube-apiserver pair: a real, empty Kubernetes API with no controllers and no nodes; with `workloads`,
 * also kube-controller-manager, kube-scheduler and KWOK's simulated Nodes, so Deployments, Jobs and Pods really run.
 */
export interface ControlPlane {
  readonly name: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Base64 of the PEM CA bundle (kubeconfig's certificate-authority-data). */
  readonly caData: string;
  readonly caCertPath: string;
  readonly adminToken: string;
  readonly userToken: string;
  readonly userName: string;
  readonly kubeconfigPath: string;
  readonly userKubeconfigPath: string;
  /** The Kubernetes version the binaries were built as, e.g. v1.36.3. */
  readonly version: string;
  /** The plane's temp dir: data, certificates, kubeconfigs and one log file per process. */
  readonly dir: string;
  readonly processes: readonly ControlPlaneProcess[];
  /** Whether controllers, a scheduler and simulated Nodes run (the `workloads` option). */
  readonly runsWorkloads: boolean;
  /** A client configuration for the admin (default) or the non-admin user, as @flotilla/kube's KubeClient takes it. */
  kubeConfig(identity?: ControlPlaneIdentity): ControlPlaneKubeconfig;
  /** SIGTERM (then SIGKILL after the grace period) to every process, then removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

/**
 * A loaded kubeconfig of one cluster and one bearer-token user. It has the shape of @flotilla/kube's Kubeconfig
 * (which depends on this package for its tests, so this one cannot import it) and of client-node's loadFromOptions.
 */
export interface ControlPlaneKubeconfig {
  clusters: { name: string; server: string; caData: string }[];
  users: { name: string; token: string }[];
  contexts: { name: string; cluster: string; user: string }[];
  currentContext: string;
}

/** Options of startControlPlane(s); every field has a default. */
export interface ControlPlaneOptions {
  /** Cluster name in kubeconfigs and in the temp dir name; default `flotilla` (`flotilla-1`… for several). */
  name?: string;
  /** Binaries to run; default: ensureKubernetesBinaries({ cacheDir: k8sCacheDir }). */
  binaries?: KubernetesBinaries;
  /** Cache root for build.sh when `binaries` is not given. */
  k8sCacheDir?: string;
  /** Parent of the plane's temp dir; default os.tmpdir(). */
  tmpDir?: string;
  /** Per process; default 90 s (kube-apiserver takes 5-20 s, much more on a busy 2-core machine). */
  readyTimeoutMs?: number;
  /** Between SIGTERM and SIGKILL on stop(); default 5 s. */
  stopGraceMs?: number;
  /** A PEM CA bundle: kube-apiserver also accepts client certificates it signed (user = CN, groups = O). Default none. */
  clientCaFile?: string;
  /**
   * Also run kube-controller-manager, kube-scheduler and KWOK (simulated Nodes), so workloads really run: Deployments
   * get ReplicaSets and Pods that go Running and Ready, Jobs complete, garbage collection and namespace deletion finish,
   * service-account tokens are issued. A Pod whose image tag is `:broken` crash-loops (BROKEN_IMAGE_TAG). About
   * 240 MiB and 2-4 s more per plane; default false.
   */
  workloads?: boolean | WorkloadOptions;
  /** KWOK to run when `workloads` is set; default: ensureKwok({ cacheDir: kwokCacheDir }). */
  kwok?: KwokBinary;
  /** Cache root for kwok/build.sh when `kwok` is not given. */
  kwokCacheDir?: string;
}

/** Starts one control plane with its own etcd. */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const binaries = options.binaries ?? (await ensureKubernetesBinaries({ cacheDir: options.k8sCacheDir }));
  const name = options.name ?? 'flotilla';
  const timeoutMs = options.readyTimeoutMs ?? 90_000;
  const graceMs = options.stopGraceMs ?? 5_000;
  const workloads = options.workloads === true ? {} : options.workloads || undefined;
  const kwok = workloads ? (options.kwok ?? (await ensureKwok({ cacheDir: options.kwokCacheDir }))) : undefined;

  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), `flotilla-${name}-`));
  // Registered before any process, so on exit it runs after their kills (cleanups run last-first).
  const unregisterDir = registerExitCleanup(() => rmSync(dir, { recursive: true, force: true, maxRetries: 3 }));
  const started: Array<{ component: ControlPlaneProcess['component']; process: SupervisedProcess }> = [];
  const stopProcesses = async (): Promise<void> => {
    // The API's clients first, then kube-apiserver: with etcd gone first it would spend its grace period retrying.
    for (const { process } of [...started].reverse()) await process.stop(graceMs);
  };
  try {
    const etcd: EtcdServer = await startEtcd({ etcdPath: binaries.etcd, dir: join(dir, 'etcd'), timeoutMs, removeWhenOrphaned: dir });
    started.push({ component: 'etcd', process: etcd.process });
    const credentials = await writeControlPlaneCredentials(dir);
    const apiserver: KubeApiserver = await startKubeApiserver({
      apiserverPath: binaries.kubeApiserver,
      dir: join(dir, 'kube-apiserver'),
      etcdUrl: etcd.url,
      credentials,
      clientCaFile: options.clientCaFile,
      // Without a controller manager nothing would make the ServiceAccounts this admission plugin demands.
      serviceAccountAdmission: workloads !== undefined,
      timeoutMs,
      removeWhenOrphaned: dir,
    });
    started.push({ component: 'kube-apiserver', process: apiserver.process });

    const caData = Buffer.from(apiserver.caPem).toString('base64');
    const kubeconfigPath = join(dir, 'kubeconfig');
    const userKubeconfigPath = join(dir, 'kubeconfig-user');
    const cluster = { clusterName: name, server: apiserver.server, caData };
    await writeKubeconfigFile(kubeconfigPath, { ...cluster, userName: 'admin', token: credentials.adminToken });
    await writeKubeconfigFile(userKubeconfigPath, { ...cluster, userName: credentials.userName, token: credentials.userToken });
    if (workloads && kwok) {
      const components = await startWorkloadComponents({
        binaries,
        kwok,
        dir: join(dir, 'workloads'),
        api: { server: apiserver.server, caPem: apiserver.caPem, token: credentials.adminToken },
        kubeconfigPath,
        caCertPath: apiserver.caCertPath,
        serviceAccountPrivateKeyPath: credentials.serviceAccountPrivateKeyPath,
        nodes: workloads.nodes ?? 2,
        timeoutMs,
        removeWhenOrphaned: dir,
      });
      started.push(...components);
    }

    let stopping: Promise<void> | undefined;
    return {
      name,
      server: apiserver.server,
      caData,
      caCertPath: apiserver.caCertPath,
      adminToken: credentials.adminToken,
      userToken: credentials.userToken,
      userName: credentials.userName,
      kubeconfigPath,
      userKubeconfigPath,
      version: binaries.version,
      dir,
      processes: started.map(({ component, process }) => ({ component, pid: process.pid, logPath: process.logPath })),
      runsWorkloads: workloads !== undefined,
      kubeConfig: (identity = 'admin') =>
        createKubeConfig({
          ...cluster,
          userName: identity === 'admin' ? 'admin' : credentials.userName,
          token: identity === 'admin' ? credentials.adminToken : credentials.userToken,
        }),
      stop: () =>
        (stopping ??= (async () => {
          await stopProcesses();
          await rm(dir, { recursive: true, force: true, maxRetries: 3 });
          unregisterDir();
        })()),
    };
  } catch (error) {
    await stopProcesses();
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    unregisterDir();
    throw error;
  }
}

/**
 * Starts `count` independent control planes at once, named `<name>-1`…; if one fails, the others are stopped.
 *
 * Each plane gets its own etcd rather than sharing one etcd under different --etcd-prefix values. Measured on
 * 2 cores (v1.36.3): sharing saved about 35 MiB per extra plane (etcd 41-43 MiB each vs one of about 50 MiB,
 * next to about 265 MiB per kube-apiserver) and no start time (3.0-4.3 s for two planes either way), while it
 * would tie the planes' lifetimes and failures together. Independence wins at that price.
 */
export async function startControlPlanes(count: number, options: ControlPlaneOptions = {}): Promise<ControlPlane[]> {
  // Build (or find) the binaries once, before the planes race for them.
  const binaries = options.binaries ?? (await ensureKubernetesBinaries({ cacheDir: options.k8sCacheDir }));
  const kwok = options.workloads ? (options.kwok ?? (await ensureKwok({ cacheDir: options.kwokCacheDir }))) : undefined;
  const name = options.name ?? 'flotilla';
  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startControlPlane({ ...options, binaries, kwok, name: `${name}-${i + 1}` })),
  );
  const planes = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await Promise.all(planes.map((plane) => plane.stop()));
    throw failure.reason;
  }
  return planes;
}

function createKubeConfig(options: { clusterName: string; server: string; caData: string; userName: string; token: string }): ControlPlaneKubeconfig {
  const context = `${options.userName}@${options.clusterName}`;
  return {
    clusters: [{ name: options.clusterName, server: options.server, caData: options.caData }],
    users: [{ name: options.userName, token: options.token }],
    contexts: [{ name: context, cluster: options.clusterName, user: options.userName }],
    currentContext: context,
  };
}
