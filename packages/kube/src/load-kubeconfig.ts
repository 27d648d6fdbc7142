import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { delimiter, join } from 'node:path';
import { kubeconfigError, parseKubeconfig, withContext, type Kubeconfig, type KubeconfigCluster, type KubeconfigContext, type KubeconfigUser } from './kubeconfig.js';

/** Where a pod's service account credentials are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Options of loadDefaultKubeconfig. The environment is passed in: a library reads none. */
export interface LoadDefaultKubeconfigOptions {
  /** An explicit kubeconfig file (a `--kubeconfig` flag); wins over everything else. */
  file?: string;
  /** Environment to read `KUBECONFIG`, `KUBERNETES_SERVICE_HOST`/`_PORT` and `HOME` from. */
  env: Readonly<Record<string, string | undefined>>;
  /** Context to use instead of the current-context. */
  context?: string;
  /** Default SERVICE_ACCOUNT_DIR. */
  serviceAccountDir?: string;
}

/**
 * Loads the kubeconfig a controller uses by default, in controller-runtime's order: the explicit `file`, else the
 * files in `KUBECONFIG` (merged as kubectl does: the first file to set a name or the current-context wins), else the
 * pod's service account when `KUBERNETES_SERVICE_HOST` is set, else `~/.kube/config`.
 */
export function loadDefaultKubeconfig(options: LoadDefaultKubeconfigOptions): Kubeconfig {
  const { env } = options;
  let kubeconfig: Kubeconfig;
  if (options.file) kubeconfig = loadKubeconfigFile(options.file);
  else if (env['KUBECONFIG']) kubeconfig = mergeKubeconfigs(env['KUBECONFIG'].split(delimiter).filter(Boolean).map(loadKubeconfigFile));
  else if (env['KUBERNETES_SERVICE_HOST']) kubeconfig = loadInClusterKubeconfig({ env, serviceAccountDir: options.serviceAccountDir });
  else if (env['HOME']) kubeconfig = loadKubeconfigFile(join(env['HOME'], '.kube', 'config'));
  else throw kubeconfigError('no kubeconfig: set KUBECONFIG or HOME, or run in a pod with a service account', undefined, '');
  return options.context ? withContext(kubeconfig, options.context) : kubeconfig;
}

/** Reads one kubeconfig file; relative paths in it resolve against its directory. */
export function loadKubeconfigFile(path: string): Kubeconfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw kubeconfigError(`cannot read kubeconfig ${path}: ${(error as Error).message}`, path, '', error);
  }
  return parseKubeconfig(text, { path });
}

/**
 * The kubeconfig of a pod: the API server from `KUBERNETES_SERVICE_HOST`/`_PORT` (an IPv6 host in brackets), the
 * service account's `ca.crt`, its `token` as a token file (re-read every minute, as the kubelet rotates it) and its
 * `namespace`. Throws INVALID_ARGUMENT when the variables or the token are missing.
 */
export function loadInClusterKubeconfig(options: Pick<LoadDefaultKubeconfigOptions, 'env' | 'serviceAccountDir'>): Kubeconfig {
  const host = options.env['KUBERNETES_SERVICE_HOST'];
  const port = options.env['KUBERNETES_SERVICE_PORT'];
  const dir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (!host || !port) throw kubeconfigError('not in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set', undefined, 'KUBERNETES_SERVICE_HOST');
  const tokenFile = join(dir, 'token');
  if (!existsSync(tokenFile)) throw kubeconfigError(`not in a cluster: no service account token at ${tokenFile}`, undefined, tokenFile);
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  const cluster: KubeconfigCluster = { name: 'inCluster', server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`, caFile: join(dir, 'ca.crt') };
  const user: KubeconfigUser = { name: 'inClusterUser', tokenFile };
  const context: KubeconfigContext = { name: 'inClusterContext', cluster: cluster.name, user: user.name, ...(namespace ? { namespace } : {}) };
  return { clusters: [cluster], users: [user], contexts: [context], currentContext: context.name };
}

/** kubectl's merge of a KUBECONFIG list: the first file to define a name (or the current-context) wins. */
function mergeKubeconfigs(kubeconfigs: Kubeconfig[]): Kubeconfig {
  const firstByName = <T extends { name: string }>(lists: (readonly T[])[]): T[] => {
    const byName = new Map<string, T>();
    for (const entry of lists.flat()) if (!byName.has(entry.name)) byName.set(entry.name, entry);
    return [...byName.values()];
  };
  return {
    clusters: firstByName(kubeconfigs.map((k) => k.clusters)),
    users: firstByName(kubeconfigs.map((k) => k.users)),
    contexts: firstByName(kubeconfigs.map((k) => k.contexts)),
    currentContext: kubeconfigs.find((k) => k.currentContext !== '')?.currentContext ?? '',
    path: kubeconfigs.map((k) => k.path).join(delimiter),
  };
}
