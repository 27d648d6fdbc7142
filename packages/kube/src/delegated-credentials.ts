import type { RequestOptions } from 'node:https';
// Type-only: erased from the JavaScript, so this line loads nothing.
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeconfigCluster, KubeconfigUser } from './kubeconfig.js';

/** What a request carries to authenticate: a header, and for some exec plugins a client certificate. */
export interface RequestCredentials {
  authorization?: string;
  cert?: string | Buffer;
  key?: string | Buffer;
}

/**
 * Credentials of an `exec` plugin or `auth-provider` user, computed by @kubernetes/client-node: running plugins,
 * caching their ExecCredential until it expires, and refreshing OIDC tokens is its job, not ours. The library is
 * loaded with `await import()` the first time such a user makes a request, so every other configuration never loads
 * it: importing it costs about 70 MiB of RSS (its generated API classes load with any entry point).
 */
export function delegatedCredentials(cluster: KubeconfigCluster, user: KubeconfigUser): () => Promise<RequestCredentials> {
  let loading: Promise<KubeConfig> | undefined;
  const load = async (): Promise<KubeConfig> => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromClusterAndUser({ ...cluster, skipTLSVerify: cluster.skipTLSVerify === true }, user);
    return kubeConfig;
  };
  return async () => {
    const kubeConfig = await (loading ??= load());
    const options: RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const authorization = (options.headers as Record<string, string> | undefined)?.['Authorization'];
    return {
      ...(authorization ? { authorization } : {}),
      ...(options.cert ? { cert: options.cert as string | Buffer } : {}),
      ...(options.key ? { key: options.key as string | Buffer } : {}),
    };
  };
}
