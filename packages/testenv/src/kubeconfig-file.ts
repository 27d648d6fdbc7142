import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** One cluster, one bearer-token user and the context joining them. */
export interface KubeconfigFileOptions {
  clusterName: string;
  server: string;
  /** Base64 of the PEM CA bundle, as kubeconfig's certificate-authority-data wants it. */
  caData: string;
  userName: string;
  token: string;
}

/** Writes a kubeconfig that kubectl and any client library can use as-is (mode 0600: it holds a token). */
export async function writeKubeconfigFile(path: string, options: KubeconfigFileOptions): Promise<void> {
  const context = `${options.userName}@${options.clusterName}`;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: options.clusterName, cluster: { server: options.server, 'certificate-authority-data': options.caData } }],
    users: [{ name: options.userName, user: { token: options.token } }],
    contexts: [{ name: context, context: { cluster: options.clusterName, user: options.userName } }],
    'current-context': context,
  };
  await writeFile(path, stringify(kubeconfig), { mode: 0o600 });
}
