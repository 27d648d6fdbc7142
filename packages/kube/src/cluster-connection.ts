import { readFileSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { delegatedCredentials, type RequestCredentials } from './delegated-credentials.js';
import { describeSource, kubeconfigError, selectContext, type Kubeconfig } from './kubeconfig.js';
import { TokenFile } from './token-file.js';

/** Everything a client needs to reach the current context's API server, resolved once. */
export interface ClusterConnection {
  /** Without a trailing slash. */
  server: string;
  isHttps: boolean;
  /** CA, client certificate and key, server name, verification: for the https.Agent. */
  tls: AgentOptions;
  /** Headers every request carries (Basic auth, a static bearer token, impersonation). */
  headers: Readonly<Record<string, string>>;
  /** Credentials that change over time (token files, exec plugins, auth providers); undefined when none. */
  credentials?: () => RequestCredentials | Promise<RequestCredentials>;
}

/**
 * Resolves the current context of a kubeconfig: reads the CA, certificate and key files now (a missing file stops
 * the program at start-up rather than failing every request), and builds the fixed headers once. Throws
 * INVALID_ARGUMENT naming the kubeconfig and the entry for missing or unsupported settings.
 */
export function connectTo(kubeconfig: Kubeconfig): ClusterConnection {
  const { cluster, user } = selectContext(kubeconfig);
  const where = describeSource(kubeconfig.path);
  const fail = (entry: string, what: string, cause?: unknown): never => {
    throw kubeconfigError(`${where}: ${entry} ${what}`, kubeconfig.path, entry, cause);
  };
  const clusterAt = `clusters[${cluster.name}].cluster`;
  const userAt = `users[${user.name}].user`;
  const read = (file: string, entry: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      return fail(entry, `cannot be read: ${(error as Error).message}`, error);
    }
  };
  const pem = (data: string | undefined, file: string | undefined, entry: string): Buffer | undefined =>
    file !== undefined ? read(file, entry) : data !== undefined ? Buffer.from(data, 'base64') : undefined;

  if (cluster.proxyUrl !== undefined) fail(`${clusterAt}.proxy-url`, 'is not supported: reach the API server directly');
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch (error) {
    return fail(`${clusterAt}.server`, `is not a URL: ${cluster.server}`, error);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`${clusterAt}.server`, `must be an https:// URL: ${cluster.server}`);

  const cert = pem(user.certData, user.certFile, `${userAt}.client-certificate`);
  const key = pem(user.keyData, user.keyFile, `${userAt}.client-key`);
  if ((cert === undefined) !== (key === undefined)) fail(userAt, 'needs both client-certificate and client-key, or neither');
  const tls: AgentOptions = {
    ca: pem(cluster.caData, cluster.caFile, `${clusterAt}.certificate-authority`),
    cert,
    key,
    rejectUnauthorized: cluster.skipTLSVerify !== true,
    servername: cluster.tlsServerName,
  };

  const headers: Record<string, string> = {};
  if (user.username !== undefined) headers['Authorization'] = `Basic ${Buffer.from(`${user.username}:${user.password ?? ''}`).toString('base64')}`;
  if (user.token !== undefined) headers['Authorization'] = `Bearer ${user.token}`;
  if (user.impersonateUser !== undefined) headers['Impersonate-User'] = user.impersonateUser;

  let credentials: ClusterConnection['credentials'];
  if (user.exec !== undefined || user.authProvider !== undefined) credentials = delegatedCredentials(cluster, user);
  else if (user.tokenFile !== undefined && user.token === undefined) {
    const tokenFile = new TokenFile(user.tokenFile);
    const bearer = (token: string): RequestCredentials => ({ authorization: `Bearer ${token}` });
    credentials = () => {
      const token = tokenFile.read();
      return typeof token === 'string' ? bearer(token) : token.then(bearer);
    };
  }
  return { server: cluster.server, isHttps: url.protocol === 'https:', tls, headers, ...(credentials ? { credentials } : {}) };
}
